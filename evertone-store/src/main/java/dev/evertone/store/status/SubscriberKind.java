package dev.evertone.store.status;

import java.util.Locale;

/** How a subscriber hears of incidents. */
public enum SubscriberKind {
  /** A JSON POST signed with HMAC-SHA256. */
  WEBHOOK,
  /** A mail through the configured SMTP relay, after the address confirmed it (double opt-in). */
  EMAIL;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SubscriberKind of(String wire) {
    return Wire.parse(SubscriberKind.class, "type", wire);
  }
}
