package dev.evertone.store;

import org.jspecify.annotations.Nullable;

/**
 * One entry of the change log: a domain or a credential was added, changed or removed. Caches
 * reload what a change names.
 *
 * @param username the line's auth user, or null for a change that concerns the whole domain (a
 *     domain added or removed, or a bulk change too large to list line by line)
 */
public record Change(long seq, String entity, String domain, @Nullable String username) {
  public static final String DOMAIN = "domain";
  public static final String CREDENTIAL = "credential";

  /**
   * A change set that changes more credentials than this in one domain logs one domain-wide change
   * instead.
   */
  public static final int DOMAIN_WIDE_AFTER = 1000;
}
