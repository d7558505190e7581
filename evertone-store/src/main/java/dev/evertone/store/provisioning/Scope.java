package dev.evertone.store.provisioning;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which lines an operation covers: every domain or some, and within them every line, or only the
 * lines named by auth user or by their device's MAC address.
 *
 * @param domains the domains, or null for all
 * @param lines lines named by key (empty: no restriction unless {@code macs} names some)
 * @param macs devices named by MAC, normalised (empty: no restriction unless {@code lines} names
 *     some)
 */
public record Scope(@Nullable Set<String> domains, Set<LineKey> lines, Set<String> macs) {
  public Scope {
    domains = domains == null ? null : Set.copyOf(domains);
    lines = Set.copyOf(lines);
    macs = Set.copyOf(macs);
  }

  public static Scope all() {
    return new Scope(null, Set.of(), Set.of());
  }

  public static Scope domains(Set<String> domains) {
    return new Scope(domains, Set.of(), Set.of());
  }

  public static Scope domain(String domain) {
    return domains(Set.of(domain));
  }

  /** True if only some lines or devices are named, not whole domains. */
  public boolean namesLines() {
    return !lines.isEmpty() || !macs.isEmpty();
  }

  public boolean coversDomain(String domain) {
    return domains == null || domains.contains(domain);
  }

  /** Whether the line {@code key}, on a device with {@code mac} (or none), is covered. */
  public boolean covers(LineKey key, @Nullable String mac) {
    if (!coversDomain(key.domain())) {
      return false;
    }
    return !namesLines() || lines.contains(key) || (mac != null && macs.contains(mac));
  }
}
