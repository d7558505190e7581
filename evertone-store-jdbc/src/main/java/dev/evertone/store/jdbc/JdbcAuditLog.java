package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.audit.AuditLog;
import dev.evertone.store.provisioning.ChangeSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

final class JdbcAuditLog implements AuditLog {
  private final Jdbc jdbc;

  JdbcAuditLog(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** Records one event inside the caller's transaction. */
  static void record(
      Connection c,
      long at,
      String actor,
      String source,
      String action,
      @Nullable String target,
      @Nullable String detail)
      throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO audit_event (at, actor, source, action, target, detail, batch_id) VALUES (?, ?, ?, ?, ?, ?, NULL)",
        at,
        actor,
        source,
        action,
        target,
        detail);
  }

  /** Records a change's events inside the caller's transaction, with the change's batch. */
  static void record(
      Connection c,
      List<ChangeSet.AuditEntry> entries,
      Actor actor,
      @Nullable String batchId,
      long now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_event (at, actor, source, action, target, detail, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (ChangeSet.AuditEntry e : entries) {
        Jdbc.bind(
            ps,
            now,
            actor.name(),
            actor.source(),
            e.action(),
            truncate(e.target(), 512),
            truncate(e.detail(), 4000),
            batchId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static @Nullable String truncate(@Nullable String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  @Override
  public void record(
      Actor actor, Instant at, String action, @Nullable String target, @Nullable String detail) {
    jdbc.write(
        c ->
            record(
                c,
                at.toEpochMilli(),
                actor.name(),
                actor.source(),
                action,
                truncate(target, 512),
                truncate(detail, 4000)));
  }

  @Override
  public List<AuditEvent> list(@Nullable String batchId, @Nullable Instant since, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, at, actor, source, action, target, detail, batch_id FROM audit_event WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (batchId != null) {
      sql.append(" AND batch_id = ?");
      args.add(batchId);
    }
    if (since != null) {
      sql.append(" AND at >= ?");
      args.add(since.toEpochMilli());
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    return jdbc.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Jdbc.bind(ps, args.toArray());
            try (ResultSet rs = ps.executeQuery()) {
              List<AuditEvent> out = new ArrayList<>();
              while (rs.next()) {
                out.add(
                    new AuditEvent(
                        rs.getLong(1),
                        Instant.ofEpochMilli(rs.getLong(2)),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8)));
              }
              return out;
            }
          }
        });
  }
}
