package dev.evertone.store.status;

import java.util.Locale;

/**
 * Where an incident or a maintenance stands, as Statuspage names it: an incident goes
 * investigating, identified, monitoring, resolved; a maintenance scheduled, in_progress, verifying,
 * completed.
 */
public enum IncidentStatus {
  INVESTIGATING(IncidentKind.INCIDENT),
  IDENTIFIED(IncidentKind.INCIDENT),
  MONITORING(IncidentKind.INCIDENT),
  RESOLVED(IncidentKind.INCIDENT),
  SCHEDULED(IncidentKind.MAINTENANCE),
  IN_PROGRESS(IncidentKind.MAINTENANCE),
  VERIFYING(IncidentKind.MAINTENANCE),
  COMPLETED(IncidentKind.MAINTENANCE);

  private final IncidentKind kind;

  IncidentStatus(IncidentKind kind) {
    this.kind = kind;
  }

  public IncidentKind kind() {
    return kind;
  }

  /** Resolved or completed: the end. */
  public boolean closed() {
    return this == RESOLVED || this == COMPLETED;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static IncidentStatus of(String wire) {
    return Wire.parse(IncidentStatus.class, "status", wire);
  }
}
