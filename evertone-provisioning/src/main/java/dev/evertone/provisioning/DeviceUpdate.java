package dev.evertone.provisioning;

import org.jspecify.annotations.Nullable;

/**
 * Changes to a device: a null field stays as it is, an empty one is cleared.
 *
 * @param extension the new owner user (created if the domain does not have it yet)
 */
public record DeviceUpdate(
    @Nullable String mac,
    @Nullable String model,
    @Nullable String description,
    @Nullable String extension) {}
