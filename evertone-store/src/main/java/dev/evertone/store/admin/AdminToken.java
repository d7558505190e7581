package dev.evertone.store.admin;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** An admin API token as listed: its name and dates, never the token. */
public record AdminToken(
    String name, Instant createdAt, String createdBy, @Nullable Instant lastUsedAt) {}
