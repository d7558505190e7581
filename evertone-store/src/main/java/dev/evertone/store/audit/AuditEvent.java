package dev.evertone.store.audit;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the audit log.
 *
 * @param action what was done, e.g. {@code device.add}, {@code import.apply}, {@code
 *     credentials.restore}
 * @param target what it was done to, e.g. {@code 1001@example.com}
 * @param detail a short human-readable account (never a secret)
 */
public record AuditEvent(
    long id,
    Instant at,
    String actor,
    String source,
    String action,
    @Nullable String target,
    @Nullable String detail,
    @Nullable String batchId) {}
