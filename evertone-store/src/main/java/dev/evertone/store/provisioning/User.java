package dev.evertone.store.provisioning;

import org.jspecify.annotations.Nullable;

/**
 * A user of a domain: an extension (e.g. 1001) with a display name. Devices belong to users.
 *
 * @param revision increases with every change; writes name the revision they were planned against
 */
public record User(
    long id, long revision, String domain, String extension, @Nullable String displayName) {}
