package dev.evertone.store.status;

import java.util.Locale;

/** An incident (something broke) or a scheduled maintenance (something is planned). */
public enum IncidentKind {
  INCIDENT,
  MAINTENANCE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static IncidentKind of(String wire) {
    return Wire.parse(IncidentKind.class, "kind", wire);
  }
}
