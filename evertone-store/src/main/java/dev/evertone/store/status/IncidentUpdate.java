package dev.evertone.store.status;

import java.time.Instant;

/** One entry of an incident's timeline: its status from then on and what was said. */
public record IncidentUpdate(String id, IncidentStatus status, String body, Instant createdAt) {}
