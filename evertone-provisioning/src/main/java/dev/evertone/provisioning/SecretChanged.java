package dev.evertone.provisioning;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A line's secret, just replaced.
 *
 * @param generatedSecret the new secret if evertone generated it (shown this once), else null
 */
public record SecretChanged(
    String domain, String authUser, @Nullable String generatedSecret, Instant changedAt) {
  @Override
  public String toString() {
    return "SecretChanged[" + authUser + "@" + domain + ", secret=(hidden)]";
  }
}
