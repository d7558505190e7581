package dev.evertone.provisioning;

import java.time.Instant;

/** A line of a device as shown: never its secret, only when that last changed. */
public record LineInfo(int line, String authUser, String aor, Instant secretChangedAt) {}
