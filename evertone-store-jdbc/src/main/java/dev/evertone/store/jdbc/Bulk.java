package dev.evertone.store.jdbc;

import java.io.IOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;

/**
 * Inserts many rows at once, as fast as each database takes them: {@code COPY ... FROM STDIN} on
 * PostgreSQL (one stream instead of thousands of statements), a batched prepared statement on
 * SQLite. Values are sent as data, never as SQL: COPY's CSV quoting on one side, bound parameters
 * on the other.
 */
final class Bulk {
  private static final int BATCH = 1000;

  private Bulk() {}

  /**
   * Inserts {@code rows} (values in the order of {@code columns}) into {@code table}; returns how
   * many were inserted.
   */
  static long insert(
      Connection c, Dialect dialect, String table, List<String> columns, List<Object[]> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return 0;
    }
    String cols = String.join(", ", columns);
    if (dialect == Dialect.POSTGRESQL) {
      try {
        return c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn(
                "COPY " + table + " (" + cols + ") FROM STDIN (FORMAT csv)", new CsvReader(rows));
      } catch (IOException e) {
        throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), e);
      }
    }
    String sql =
        "INSERT INTO "
            + table
            + " ("
            + cols
            + ") VALUES ("
            + String.join(", ", Collections.nCopies(columns.size(), "?"))
            + ")";
    long inserted = 0;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int pending = 0;
      for (Object[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          if (r[i] == null) {
            ps.setNull(i + 1, Types.NULL);
          } else {
            ps.setObject(i + 1, r[i]);
          }
        }
        ps.addBatch();
        if (++pending == BATCH) {
          inserted += Jdbc.sum(ps.executeBatch());
          pending = 0;
        }
      }
      if (pending > 0) {
        inserted += Jdbc.sum(ps.executeBatch());
      }
    }
    return inserted;
  }

  /** Empties a staging table (TRUNCATE where it is cheaper). */
  static void clear(Connection c, Dialect dialect, String table) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute((dialect == Dialect.POSTGRESQL ? "TRUNCATE " : "DELETE FROM ") + table);
    }
  }

  /**
   * Rows as CSV for COPY, produced as they are read: every non-null value quoted (so that an empty
   * string stays an empty string), null as an empty unquoted field.
   */
  private static final class CsvReader extends Reader {
    private final List<Object[]> rows;
    private final StringBuilder buffer = new StringBuilder(8192);
    private int row;
    private int pos;

    CsvReader(List<Object[]> rows) {
      this.rows = rows;
    }

    private boolean fill() {
      buffer.setLength(0);
      pos = 0;
      while (row < rows.size() && buffer.length() < 8192) {
        Object[] r = rows.get(row++);
        for (int i = 0; i < r.length; i++) {
          if (i > 0) {
            buffer.append(',');
          }
          append(r[i]);
        }
        buffer.append('\n');
      }
      return buffer.length() > 0;
    }

    private void append(@Nullable Object v) {
      if (v == null) {
        return;
      }
      if (v instanceof Number) {
        buffer.append(v);
        return;
      }
      String s = v.toString();
      buffer.append('"');
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '"') {
          buffer.append('"');
        }
        buffer.append(ch);
      }
      buffer.append('"');
    }

    @Override
    public int read(char[] cbuf, int off, int len) {
      if (pos >= buffer.length() && !fill()) {
        return -1;
      }
      int n = Math.min(len, buffer.length() - pos);
      buffer.getChars(pos, pos + n, cbuf, off);
      pos += n;
      return n;
    }

    @Override
    public void close() {
      // nothing to release
    }
  }
}
