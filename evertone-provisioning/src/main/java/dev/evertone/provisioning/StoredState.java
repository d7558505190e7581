package dev.evertone.provisioning;

import static dev.evertone.provisioning.ImportPlanner.sized;

import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.ProvisioningRepository;
import dev.evertone.store.provisioning.ProvisioningState;
import dev.evertone.store.provisioning.User;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What is stored in the domains an import names, read once and indexed for planning: lines by key,
 * devices by id and by MAC, users by id and by extension. MACs are unique across domains, so the
 * devices of the file's MACs in other domains are read too (a row naming one is an error).
 */
final class StoredState {
  private final ProvisioningState state;
  private final Map<LineKey, Line> lines;
  private final Map<Long, Device> devicesById;
  private final Map<String, Device> devicesByMac;
  private final Map<Long, User> usersById;
  private final Map<UserKey, User> usersByKey;

  StoredState(ProvisioningRepository repository, List<ImportRow> rows) {
    Set<String> domains = new TreeSet<>();
    Set<String> macs = new HashSet<>();
    for (ImportRow r : rows) {
      domains.add(r.domain());
      if (r.mac() != null) {
        macs.add(r.mac());
      }
    }
    this.state = repository.load(domains);
    lines = sized(state.lines().size());
    devicesById = sized(state.devices().size());
    devicesByMac = sized(state.devices().size() + macs.size());
    usersById = sized(state.users().size());
    usersByKey = sized(state.users().size());
    for (Line l : state.lines()) {
      lines.put(l.key(), l);
    }
    for (Device d : state.devices()) {
      devicesById.put(d.id(), d);
      if (d.mac() != null) {
        devicesByMac.put(d.mac(), d);
      }
    }
    // MACs are unique across domains: one the file's domains do not have may be a device
    // elsewhere (an error below)
    List<String> elsewhere = macs.stream().filter(m -> !devicesByMac.containsKey(m)).toList();
    for (Device d : repository.devicesWithMacs(elsewhere)) {
      devicesByMac.put(d.mac(), d);
    }
    for (User u : state.users()) {
      usersById.put(u.id(), u);
      usersByKey.put(new UserKey(u.domain(), u.extension()), u);
    }
  }

  ProvisioningState state() {
    return state;
  }

  @Nullable Line line(LineKey key) {
    return lines.get(key);
  }

  /**
   * The device of a stored line: stored too (a line refers to its device in the database) and read
   * with it (a device and its lines have one domain).
   */
  Device device(long id) {
    return Objects.requireNonNull(devicesById.get(id), "a stored line's device is read with it");
  }

  /** The device with {@code mac}, in any domain; null if there is none. */
  @Nullable Device deviceWithMac(String mac) {
    return devicesByMac.get(mac);
  }

  @Nullable User user(long id) {
    return usersById.get(id);
  }

  @Nullable User user(UserKey key) {
    return usersByKey.get(key);
  }
}
