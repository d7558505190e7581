package dev.evertone.store;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A device as the registrar knows it: one SIP account {@code username@domain} with its own password. Its
 * address-of-record is {@code sip:username@domain}.
 */
public record Device(long id, String domain, String username, @Nullable String displayName, Instant createdAt, Instant updatedAt) {

  public String aor() {
    return "sip:" + username + "@" + domain;
  }
}
