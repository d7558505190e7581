package dev.evertone.provisioning;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One version of a line's credential as shown: never the secret, but a short fingerprint of it, so
 * that equal versions can be recognised (the fingerprint is keyed and specific to the line).
 *
 * @param change created, changed, restored or deleted
 * @param batch the import or restore that made it, if any
 */
public record CredentialVersion(
    Instant at,
    String change,
    String actor,
    @Nullable String batch,
    @Nullable String fingerprint) {}
