package dev.evertone.store.provisioning;

import java.util.List;
import java.util.Map;

/**
 * What is stored for some domains, as read at one moment: the input of every plan (import, restore,
 * single change), which then names the revisions it expects.
 *
 * @param domains the existing domains among those asked for
 * @param linesPerDomain how many lines each of those domains has in all (whatever the scope), for
 *     the blast-radius guard
 */
public record ProvisioningState(
    List<String> domains,
    Map<String, Integer> linesPerDomain,
    List<User> users,
    List<Device> devices,
    List<Line> lines) {
  public ProvisioningState {
    domains = List.copyOf(domains);
    linesPerDomain = Map.copyOf(linesPerDomain);
    users = List.copyOf(users);
    devices = List.copyOf(devices);
    lines = List.copyOf(lines);
  }
}
