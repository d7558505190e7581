package dev.evertone.store.provisioning;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The SIP credential of a line, decrypted, for digest authentication. {@link #toString()} never
 * shows a secret, so that it cannot reach a log by accident.
 *
 * @param changedAt when the secret last changed
 * @param previousSecret the secret before that change, if asked for and if the line had one (a
 *     grace window may still accept it)
 */
public record Credential(
    String domain,
    String authUser,
    String secret,
    Instant changedAt,
    @Nullable String previousSecret) {
  @Override
  public String toString() {
    return "Credential["
        + authUser
        + "@"
        + domain
        + ", secret=(hidden)"
        + (previousSecret == null ? "" : ", previous=(hidden)")
        + "]";
  }
}
