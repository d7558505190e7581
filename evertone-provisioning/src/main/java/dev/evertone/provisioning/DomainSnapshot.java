package dev.evertone.provisioning;

import dev.evertone.store.NotFoundException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.ProvisioningState;
import dev.evertone.store.provisioning.User;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one domain holds, as read for one operation on its users, devices or lines: looked up by
 * extension, auth user or id, and devices shown with their owner and lines.
 */
record DomainSnapshot(
    String domain, ProvisioningState state, Map<Long, User> users, Map<Long, List<Line>> lines) {

  static DomainSnapshot of(String domain, ProvisioningState state) {
    Map<Long, User> users = new HashMap<>();
    state.users().forEach(u -> users.put(u.id(), u));
    Map<Long, List<Line>> lines = new HashMap<>();
    state.lines().forEach(l -> lines.computeIfAbsent(l.deviceId(), k -> new ArrayList<>()).add(l));
    return new DomainSnapshot(domain, state, users, lines);
  }

  @Nullable User user(String extension) {
    return state.users().stream()
        .filter(u -> u.extension().equals(extension))
        .findFirst()
        .orElse(null);
  }

  @Nullable Line line(String authUser) {
    return state.lines().stream()
        .filter(l -> l.authUser().equals(authUser))
        .findFirst()
        .orElse(null);
  }

  @Nullable Device device(long id) {
    return state.devices().stream().filter(d -> d.id() == id).findFirst().orElse(null);
  }

  /** The lines of a device (none for a device this snapshot does not hold). */
  List<Line> linesOf(long deviceId) {
    return lines.getOrDefault(deviceId, List.of());
  }

  /** Device {@code id}; {@link NotFoundException} if the domain has no such device. */
  Device existingDevice(long id) {
    Device d = device(id);
    if (d == null) {
      throw new NotFoundException("device " + id + " does not exist in " + domain);
    }
    return d;
  }

  /** The line of {@code authUser} (checked); {@link NotFoundException} if there is none. */
  Line existingLine(String authUser) {
    String user = Values.authUser(authUser);
    Line l = line(user);
    if (l == null) {
      throw new NotFoundException("line " + user + "@" + domain + " does not exist");
    }
    return l;
  }

  /** A device as shown, with its owner and its lines in line order. */
  DeviceInfo view(Device d) {
    Long ownerId = d.userId();
    User owner = ownerId == null ? null : users.get(ownerId);
    List<LineInfo> lineInfos =
        linesOf(d.id()).stream()
            .sorted(Comparator.comparingInt(Line::lineNo))
            .map(l -> new LineInfo(l.lineNo(), l.authUser(), l.aor(), l.changedAt()))
            .toList();
    String mac = d.mac();
    return new DeviceInfo(
        d.id(),
        d.domain(),
        mac == null ? null : Values.formatMac(mac),
        d.model(),
        d.description(),
        owner == null ? null : owner.extension(),
        owner == null ? null : owner.displayName(),
        lineInfos,
        d.createdAt(),
        d.updatedAt());
  }
}
