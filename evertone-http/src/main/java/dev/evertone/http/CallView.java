package dev.evertone.http;

import dev.evertone.store.calls.CallRecord;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A call record as the admin API and the CLI show it (JSON fields in snake case; the same columns
 * in CSV). The quality fields are null for a call whose media was not anchored.
 */
public record CallView(
    long id,
    String callId,
    String domain,
    String caller,
    String callee,
    @Nullable String trunk,
    String direction,
    Instant setupAt,
    @Nullable Instant answeredAt,
    Instant endedAt,
    int status,
    String endedBy,
    String outcome,
    @Nullable Long callerPackets,
    @Nullable Long calleePackets,
    @Nullable Long callerLost,
    @Nullable Long calleeLost,
    @Nullable Double callerJitterMs,
    @Nullable Double calleeJitterMs,
    @Nullable Double mos) {

  static final String CSV_HEADER =
      "id,call_id,domain,caller,callee,trunk,direction,setup_at,answered_at,ended_at,status,"
          + "ended_by,outcome,caller_packets,callee_packets,caller_lost,callee_lost,"
          + "caller_jitter_ms,callee_jitter_ms,mos";

  /** The view of a stored record. */
  public static CallView of(CallRecord r) {
    CallRecord.Quality q = r.quality();
    return new CallView(
        r.id(),
        r.callId(),
        r.domain(),
        r.caller(),
        r.callee(),
        r.trunk(),
        r.direction().wire(),
        r.setupAt(),
        r.answeredAt(),
        r.endedAt(),
        r.status(),
        r.endedBy().wire(),
        r.outcome(),
        q == null ? null : q.callerPackets(),
        q == null ? null : q.calleePackets(),
        q == null ? null : q.callerLost(),
        q == null ? null : q.calleeLost(),
        q == null ? null : round(q.callerJitterMs()),
        q == null ? null : round(q.calleeJitterMs()),
        q == null ? null : round(q.mos()));
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** The records as CSV (RFC 4180): a header row, then one row each. */
  public static String csv(List<CallView> calls) {
    StringBuilder out = new StringBuilder(CSV_HEADER).append("\r\n");
    for (CallView c : calls) {
      Object[] cells = {
        c.id,
        c.callId,
        c.domain,
        c.caller,
        c.callee,
        c.trunk,
        c.direction,
        c.setupAt,
        c.answeredAt,
        c.endedAt,
        c.status,
        c.endedBy,
        c.outcome,
        c.callerPackets,
        c.calleePackets,
        c.callerLost,
        c.calleeLost,
        c.callerJitterMs,
        c.calleeJitterMs,
        c.mos
      };
      for (int i = 0; i < cells.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(cell(cells[i]));
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  /** One CSV field: quoted when it holds a comma, quote or line break; empty for null. */
  private static String cell(@Nullable Object value) {
    if (value == null) {
      return "";
    }
    String s = String.valueOf(value);
    // a cell starting with = + - @ would be a formula in a spreadsheet (CSV injection)
    if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !(value instanceof Number)) {
      s = "'" + s;
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
