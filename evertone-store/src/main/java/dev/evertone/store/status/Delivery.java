package dev.evertone.store.status;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A notification to a subscriber, in the outbox until delivered; {@code id} is 0 until stored. */
public record Delivery(
    long id,
    String subscriberId,
    String subject,
    String payload,
    int attempts,
    Instant nextAttemptAt,
    @Nullable Instant deliveredAt,
    @Nullable String lastError) {

  /** A new notification, due now. */
  public static Delivery of(String subscriberId, String subject, String payload, Instant now) {
    return new Delivery(0, subscriberId, subject, payload, 0, now, null, null);
  }
}
