package dev.evertone.store.status;

import java.util.Locale;

/** A component's status, as Statuspage names them; ordered from best to worst. */
public enum ComponentStatus {
  OPERATIONAL,
  UNDER_MAINTENANCE,
  DEGRADED_PERFORMANCE,
  PARTIAL_OUTAGE,
  MAJOR_OUTAGE;

  /** The name on the wire and in the database, e.g. {@code major_outage}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The worse of two statuses, by the order they are declared in here. */
  public ComponentStatus worse(ComponentStatus other) {
    return other.compareTo(this) > 0 ? other : this;
  }

  public static ComponentStatus of(String wire) {
    return Wire.parse(ComponentStatus.class, "status", wire);
  }
}
