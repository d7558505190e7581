package dev.evertone.status;

import java.time.Instant;
import java.util.List;

/**
 * A scheduled maintenance: at {@code scheduledFor} it starts by itself (its components under
 * maintenance), at {@code scheduledUntil} it completes by itself (its components operational
 * again).
 */
public record NewMaintenance(
    String name,
    String body,
    Instant scheduledFor,
    Instant scheduledUntil,
    List<String> components) {

  public NewMaintenance {
    components = List.copyOf(components);
  }
}
