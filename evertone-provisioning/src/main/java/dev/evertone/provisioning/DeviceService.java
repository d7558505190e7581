package dev.evertone.provisioning;

import static dev.evertone.provisioning.ProvisioningContext.count;

import dev.evertone.store.ConflictException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.DeleteDevice;
import dev.evertone.store.provisioning.ChangeSet.DeleteLine;
import dev.evertone.store.provisioning.ChangeSet.UpdateDevice;
import dev.evertone.store.provisioning.ChangeSet.UpdateUser;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.User;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Devices of a domain: listed and shown with their owner and lines, added with their lines (and
 * owner, created if new), changed, and removed with their lines.
 */
final class DeviceService {
  private final ProvisioningContext context;

  DeviceService(ProvisioningContext context) {
    this.context = context;
  }

  /** See {@link Provisioning#devices}. */
  List<DeviceInfo> list(String domainName, @Nullable String mac, @Nullable String authUser) {
    String domain = context.existingDomain(domainName);
    String m = mac == null || mac.isBlank() ? null : Values.mac(mac);
    String user = authUser == null || authUser.isBlank() ? null : Values.authUser(authUser);
    DomainSnapshot s = context.snapshot(domain);
    Line line = user == null ? null : s.line(user);
    if (user != null && line == null) {
      return List.of();
    }
    return s.state().devices().stream()
        .filter(d -> m == null || m.equals(d.mac()))
        .filter(d -> line == null || d.id() == line.deviceId())
        .sorted(
            Comparator.comparing((Device d) -> d.mac() == null ? "~" : d.mac())
                .thenComparingLong(Device::id))
        .map(s::view)
        .toList();
  }

  DeviceInfo get(String domainName, long id) {
    String domain = context.existingDomain(domainName);
    DomainSnapshot s = context.snapshot(domain);
    return s.view(s.existingDevice(id));
  }

  DeviceCreated add(NewDevice request) {
    String domain = context.existingDomain(request.domain());
    if (request.lines().isEmpty()) {
      throw new ValidationException(
          "lines",
          "a device needs at least one line (an auth user, and a secret or none to generate one)");
    }
    for (NewLine l : request.lines()) {
      Values.authUser(l.authUser() == null ? "" : l.authUser().strip());
    }
    String mac = Values.mac(request.mac());
    String model = Values.model(request.model());
    String description = Values.description(request.description());
    DomainSnapshot s = context.snapshot(domain);
    if (mac != null && !context.store().provisioning().devicesWithMacs(Set.of(mac)).isEmpty()) {
      throw new ConflictException("a device with MAC " + Values.formatMac(mac) + " already exists");
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    Long owner = owner(domain, request.extension(), request.displayName(), s, changes);
    long device = changes.nextRef();
    changes.device(new CreateDevice(device, domain, mac, model, description, owner));
    List<GeneratedSecret> generated =
        LineService.addLines(domain, device, Set.of(), request.lines(), s, changes);
    String target =
        mac != null ? Values.formatMac(mac) : request.lines().get(0).authUser() + "@" + domain;
    context.apply(
        changes.audit(
            "device.add",
            target,
            count(request.lines().size(), "line")
                + (owner == null ? "" : ", owner " + request.extension())));
    DomainSnapshot after = context.snapshot(domain);
    Line first =
        Objects.requireNonNull(
            after.line(Values.authUser(request.lines().get(0).authUser())),
            "the first line of the device was just stored");
    Device created =
        Objects.requireNonNull(after.device(first.deviceId()), "the device was just stored");
    return new DeviceCreated(after.view(created), generated);
  }

  /**
   * The owner's id or reference: an existing user, a new one (added to {@code changes}), or null.
   */
  private static @Nullable Long owner(
      String domain,
      @Nullable String extension,
      @Nullable String displayName,
      DomainSnapshot s,
      ChangeSet.Builder changes) {
    if (extension == null || extension.isBlank()) {
      if (displayName != null && !displayName.isBlank()) {
        throw new ValidationException(
            "display_name", "a display name belongs to a user: give the extension too");
      }
      return null;
    }
    String ext = Values.extension(extension.strip());
    User existing = s.user(ext);
    if (existing != null) {
      String name = Values.displayName(displayName);
      if (name != null && !name.equals(existing.displayName())) {
        changes.user(new UpdateUser(existing.id(), existing.revision(), name));
      }
      return existing.id();
    }
    long ref = changes.nextRef();
    changes.user(new CreateUser(ref, domain, ext, Values.displayName(displayName)));
    return ref;
  }

  DeviceInfo update(String domainName, long id, DeviceUpdate update) {
    String domain = context.existingDomain(domainName);
    DomainSnapshot s = context.snapshot(domain);
    Device d = s.existingDevice(id);
    String mac = update.mac() == null ? d.mac() : Values.mac(update.mac());
    String model = update.model() == null ? d.model() : Values.model(update.model());
    String description =
        update.description() == null ? d.description() : Values.description(update.description());
    if (mac != null
        && !mac.equals(d.mac())
        && !context.store().provisioning().devicesWithMacs(Set.of(mac)).isEmpty()) {
      throw new ConflictException("a device with MAC " + Values.formatMac(mac) + " already exists");
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    Long owner =
        update.extension() == null
            ? d.userId()
            : owner(domain, update.extension(), null, s, changes);
    List<String> changed = new ArrayList<>();
    noteChange(changed, "mac", d.mac(), mac);
    noteChange(changed, "model", d.model(), model);
    noteChange(changed, "description", d.description(), description);
    if (!Objects.equals(owner, d.userId())) {
      User before = d.userId() == null ? null : s.users().get(d.userId());
      changed.add(
          "extension: "
              + (before == null ? null : before.extension())
              + " -> "
              + update.extension());
    }
    if (!changed.isEmpty()) {
      context.apply(
          changes
              .device(new UpdateDevice(d.id(), d.revision(), mac, model, description, owner))
              .audit("device.update", name(d), String.join("; ", changed)));
    }
    return get(domain, id);
  }

  private static void noteChange(
      List<String> changed, String field, @Nullable String before, @Nullable String after) {
    if (!Objects.equals(before, after)) {
      changed.add(field + ": " + before + " -> " + after);
    }
  }

  /** How the audit log names a device: by its MAC, or by its id for a softphone. */
  static String name(Device d) {
    return d.mac() != null ? Values.formatMac(d.mac()) : "device " + d.id() + "@" + d.domain();
  }

  void remove(String domainName, long id) {
    String domain = context.existingDomain(domainName);
    DomainSnapshot s = context.snapshot(domain);
    Device d = s.existingDevice(id);
    ChangeSet.Builder changes = ChangeSet.builder();
    List<Line> lines = s.linesOf(d.id());
    lines.forEach(l -> changes.line(new DeleteLine(l.id(), l.revision(), l.key())));
    context.apply(
        changes
            .device(new DeleteDevice(d.id(), d.revision()))
            .audit(
                "device.remove",
                name(d),
                "lines "
                    + String.join(", ", lines.stream().map(l -> l.key().toString()).toList())));
  }
}
