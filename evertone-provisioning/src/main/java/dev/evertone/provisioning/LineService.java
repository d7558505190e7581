package dev.evertone.provisioning;

import dev.evertone.store.ConflictException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.DeleteLine;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.Line;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lines of a device: added (each with its own auth user, on a free line number, its secret given or
 * generated) and removed; a device keeps at least one.
 */
final class LineService {
  private final ProvisioningContext context;
  private final DeviceService devices;

  LineService(ProvisioningContext context, DeviceService devices) {
    this.context = context;
    this.devices = devices;
  }

  DeviceCreated add(String domainName, long deviceId, NewLine line) {
    String domain = context.existingDomain(domainName);
    DomainSnapshot s = context.snapshot(domain);
    Device d = s.existingDevice(deviceId);
    Set<Integer> taken = new HashSet<>();
    s.linesOf(d.id()).forEach(l -> taken.add(l.lineNo()));
    ChangeSet.Builder changes = ChangeSet.builder();
    List<GeneratedSecret> generated = addLines(domain, d.id(), taken, List.of(line), s, changes);
    context.apply(
        changes.audit("line.add", line.authUser() + "@" + domain, "on " + DeviceService.name(d)));
    return new DeviceCreated(devices.get(domain, deviceId), generated);
  }

  /**
   * Adds {@code lines} to device {@code device} (an id or a reference), whose lines {@code taken}
   * are already there.
   */
  static List<GeneratedSecret> addLines(
      String domain,
      long device,
      Set<Integer> taken,
      List<NewLine> lines,
      DomainSnapshot s,
      ChangeSet.Builder changes) {
    Set<Integer> used = new HashSet<>(taken);
    Set<String> users = new HashSet<>();
    List<GeneratedSecret> generated = new ArrayList<>();
    for (NewLine l : lines) {
      if (l.line() != null && !used.add(Values.lineNo(l.line()))) {
        throw new ConflictException("line " + l.line() + " of the device is taken");
      }
    }
    for (NewLine l : lines) {
      String user = Values.authUser(l.authUser() == null ? "" : l.authUser().strip());
      if (s.line(user) != null || !users.add(user)) {
        throw new ConflictException(
            "auth user " + user + "@" + domain + " is taken; each line has its own");
      }
      int lineNo;
      if (l.line() != null) {
        lineNo = l.line();
      } else {
        lineNo = 1;
        while (used.contains(lineNo)) {
          lineNo++;
        }
        used.add(Values.lineNo(lineNo));
      }
      String secret = l.secret();
      if (secret == null) {
        secret = Secrets.generate();
        generated.add(new GeneratedSecret(domain, user, secret));
      } else {
        Values.secret(secret);
      }
      changes.line(
          new CreateLine(device, lineNo, domain, user, new Plain(secret), HistoryEntry.CREATED));
    }
    return generated;
  }

  /** See {@link Provisioning#removeLine}. */
  void remove(String domainName, String authUser) {
    String domain = context.existingDomain(domainName);
    DomainSnapshot s = context.snapshot(domain);
    Line l = s.existingLine(authUser);
    if (s.linesOf(l.deviceId()).size() == 1) {
      throw new ConflictException(
          "line " + l.key() + " is the only line of its device; remove the device instead");
    }
    context.apply(
        ChangeSet.builder()
            .line(new DeleteLine(l.id(), l.revision(), l.key()))
            .audit("line.remove", l.key().toString(), null));
  }
}
