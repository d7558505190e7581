package dev.evertone.store.status;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A part of the platform whose status customers see.
 *
 * @param id a stable slug, e.g. {@code sip-registration}
 * @param group the name of its component group, or null
 * @param position its place on the page, smallest first
 */
public record Component(
    String id,
    String name,
    @Nullable String description,
    @Nullable String group,
    int position,
    ComponentStatus status,
    Instant createdAt,
    Instant updatedAt) {}
