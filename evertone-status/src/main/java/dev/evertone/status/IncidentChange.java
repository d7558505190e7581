package dev.evertone.status;

import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.IncidentStatus;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An update to an incident or a maintenance: a new entry in its timeline.
 *
 * @param impact a new impact; null keeps it
 * @param components the components it now affects, with their status; null keeps them
 */
public record IncidentChange(
    IncidentStatus status,
    String body,
    @Nullable Impact impact,
    @Nullable Map<String, ComponentStatus> components) {}
