package dev.evertone.store.jdbc;

import dev.evertone.store.calls.CallRecord;
import dev.evertone.store.calls.CallRecordRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Call records in table {@code call_record}. */
final class JdbcCallRecords implements CallRecordRepository {
  private static final String COLUMNS =
      "id, call_id, domain, caller, callee, trunk, direction, setup_at, answered_at, ended_at,"
          + " status, ended_by, caller_packets, callee_packets, caller_lost, callee_lost,"
          + " caller_jitter_ms, callee_jitter_ms, mos";

  private final Jdbc jdbc;

  JdbcCallRecords(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public long add(CallRecord r) {
    CallRecord.Quality q = r.quality();
    // no cache follows call records: the change feed is not woken
    return jdbc.inTransactionQuietly(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO call_record ("
                      + COLUMNS.substring("id, ".length())
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  Statement.RETURN_GENERATED_KEYS)) {
            Jdbc.bind(
                ps,
                r.callId(),
                r.domain(),
                r.caller(),
                r.callee(),
                r.trunk(),
                r.direction().name(),
                r.setupAt().toEpochMilli(),
                Jdbc.millis(r.answeredAt()),
                r.endedAt().toEpochMilli(),
                r.status(),
                r.endedBy().name(),
                q == null ? null : q.callerPackets(),
                q == null ? null : q.calleePackets(),
                q == null ? null : q.callerLost(),
                q == null ? null : q.calleeLost(),
                q == null ? null : q.callerJitterMs(),
                q == null ? null : q.calleeJitterMs(),
                q == null ? null : q.mos());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              // PostgreSQL returns the row (id first), SQLite the rowid
              return keys.next() ? keys.getLong(1) : 0L;
            }
          }
        });
  }

  @Override
  public List<CallRecord> list(
      @Nullable String domain, @Nullable Instant since, @Nullable Instant until, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM call_record WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (domain != null) {
      sql.append(" AND domain = ?");
      args.add(domain);
    }
    if (since != null) {
      sql.append(" AND setup_at >= ?");
      args.add(since.toEpochMilli());
    }
    if (until != null) {
      sql.append(" AND setup_at < ?");
      args.add(until.toEpochMilli());
    }
    sql.append(" ORDER BY setup_at DESC, id DESC LIMIT ?");
    args.add(limit);
    return jdbc.read(c -> Jdbc.list(c, sql.toString(), JdbcCallRecords::row, args.toArray()));
  }

  private static CallRecord row(ResultSet rs) throws SQLException {
    long callerPackets = rs.getLong(13);
    CallRecord.Quality quality =
        rs.wasNull()
            ? null
            : new CallRecord.Quality(
                callerPackets,
                rs.getLong(14),
                rs.getLong(15),
                rs.getLong(16),
                rs.getDouble(17),
                rs.getDouble(18),
                rs.getDouble(19));
    return new CallRecord(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        CallRecord.Direction.valueOf(rs.getString(7)),
        Jdbc.instant(rs, 8),
        Jdbc.nullableInstant(rs, 9),
        Jdbc.instant(rs, 10),
        rs.getInt(11),
        CallRecord.EndedBy.valueOf(rs.getString(12)),
        quality);
  }

  @Override
  public int deleteBefore(Instant before) {
    return jdbc.inTransactionQuietly(
        c -> Jdbc.update(c, "DELETE FROM call_record WHERE setup_at < ?", before.toEpochMilli()));
  }
}
