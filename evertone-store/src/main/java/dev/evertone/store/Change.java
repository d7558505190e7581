package dev.evertone.store;

import org.jspecify.annotations.Nullable;

/**
 * One entry of the change log: a domain or a device was added, changed or removed. Caches reload what a
 * change names.
 *
 * @param username the device's user, or null for a change of the domain itself
 */
public record Change(long seq, String entity, String domain, @Nullable String username) {
  public static final String DOMAIN = "domain";
  public static final String DEVICE = "device";
}
