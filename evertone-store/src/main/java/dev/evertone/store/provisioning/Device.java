package dev.evertone.store.provisioning;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A phone, softphone or door phone of a domain. Its lines carry the SIP credentials.
 *
 * @param mac 12 lower-case hex digits, or null for a device without one (a softphone)
 * @param userId the owner user, or null
 * @param revision increases with every change; writes name the revision they were planned against
 */
public record Device(
    long id,
    long revision,
    String domain,
    @Nullable String mac,
    @Nullable String model,
    @Nullable String description,
    @Nullable Long userId,
    Instant createdAt,
    Instant updatedAt) {}
