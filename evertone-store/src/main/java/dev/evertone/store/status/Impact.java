package dev.evertone.store.status;

import java.util.Locale;

/**
 * How bad an incident is, as Statuspage names it; a maintenance's impact is {@code maintenance}.
 */
public enum Impact {
  NONE,
  MINOR,
  MAJOR,
  CRITICAL,
  MAINTENANCE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Impact of(String wire) {
    return Wire.parse(Impact.class, "impact", wire);
  }
}
