package dev.evertone.store.status;

import java.time.Instant;

/** A component took {@code status} at {@code at}. */
public record ComponentEvent(String componentId, ComponentStatus status, Instant at) {}
