package dev.evertone.store.jdbc;

import dev.evertone.store.ConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.jspecify.annotations.Nullable;

/** A prepared statement executed in batches of {@value #SIZE}, with its counts kept. */
final class BatchStatement implements AutoCloseable {
  private static final int SIZE = 1000;

  private final PreparedStatement ps;
  private int pending;
  private long added;
  private long changed;

  BatchStatement(Connection c, String sql) throws SQLException {
    this.ps = c.prepareStatement(sql);
  }

  void add(@Nullable Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] == null) {
        ps.setNull(i + 1, Types.NULL);
      } else {
        ps.setObject(i + 1, args[i]);
      }
    }
    ps.addBatch();
    added++;
    if (++pending == SIZE) {
      flush();
    }
  }

  private void flush() throws SQLException {
    if (pending > 0) {
      changed += Jdbc.sum(ps.executeBatch());
      pending = 0;
    }
  }

  /** Flushes; the rows the statements changed. */
  long count() throws SQLException {
    flush();
    return changed;
  }

  /** Flushes, and fails unless every statement changed exactly one row. */
  void expectEach(String what) throws SQLException {
    flush();
    if (changed != added) {
      throw new ConflictException(
          what
              + " changed or disappeared while this change was prepared ("
              + added
              + " expected, "
              + changed
              + " found as planned); nothing was written: run it again");
    }
  }

  @Override
  public void close() throws SQLException {
    ps.close();
  }
}
