package dev.evertone.store.audit;

import dev.evertone.store.Actor;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The audit log: every change to provisioning data and tokens, who made it, when and from where.
 */
public interface AuditLog {

  /**
   * The newest events first, at most {@code limit}, optionally only those of one batch or since a
   * time.
   */
  List<AuditEvent> list(@Nullable String batchId, @Nullable Instant since, int limit);

  /**
   * Records one change made outside the store (a file deleted, a recording started), at {@code at}
   * by {@code actor}.
   */
  void record(
      Actor actor, Instant at, String action, @Nullable String target, @Nullable String detail);
}
