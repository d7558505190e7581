package dev.evertone.store.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An incident or a scheduled maintenance.
 *
 * @param monitor the automatic monitor that declared it, or null when a person did
 * @param tenants the domains whose devices are affected (private: never on the public page)
 * @param scheduledFor when a maintenance starts (null for an incident)
 * @param components the components it affects and the status it gives them while open
 * @param updates its timeline, newest first
 */
public record Incident(
    String id,
    IncidentKind kind,
    String name,
    IncidentStatus status,
    Impact impact,
    @Nullable String monitor,
    @Nullable String declaredBy,
    List<String> tenants,
    @Nullable Instant scheduledFor,
    @Nullable Instant scheduledUntil,
    Instant createdAt,
    Instant updatedAt,
    @Nullable Instant resolvedAt,
    @Nullable String postmortem,
    @Nullable Instant postmortemPublishedAt,
    Map<String, ComponentStatus> components,
    List<IncidentUpdate> updates) {

  public Incident {
    tenants = List.copyOf(tenants);
    components = Map.copyOf(components);
    updates = List.copyOf(updates);
  }
}
