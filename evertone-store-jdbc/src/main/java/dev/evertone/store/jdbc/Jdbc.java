package dev.evertone.store.jdbc;

import dev.evertone.store.ConflictException;
import dev.evertone.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Transactions, statement helpers and error mapping shared by the repositories. */
final class Jdbc {
  // unique constraints, as PostgreSQL names them and as SQLite lists their columns, and what they
  // mean
  private static final Map<String, String> UNIQUE =
      Map.of(
          "domain_name_unique", "a domain of that name already exists",
          "domain.name", "a domain of that name already exists",
          "users_extension_unique", "the extension is already taken in its domain",
          "users.domain_id, users.extension", "the extension is already taken in its domain",
          "device_mac_unique", "the MAC address already belongs to another device",
          "device.mac", "the MAC address already belongs to another device",
          "line_auth_user_unique", "the auth user is already taken in its domain",
          "device_line.domain_id, device_line.auth_user",
              "the auth user is already taken in its domain",
          "line_slot_unique", "that line of the device is already taken",
          "device_line.device_id, device_line.line_no", "that line of the device is already taken");

  private final DataSource dataSource;
  final Dialect dialect;
  private final Runnable afterWrite;

  /**
   * @param afterWrite runs after every committed write transaction (wakes this process's caches)
   */
  Jdbc(DataSource dataSource, Dialect dialect, Runnable afterWrite) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.afterWrite = afterWrite;
  }

  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  <T> T inTransaction(Work<T> work) {
    T result = inTransactionQuietly(work);
    afterWrite.run();
    return result;
  }

  /**
   * {@link #inTransaction} for writes no cache follows (registrations): the change feed is not
   * woken.
   */
  <T> T inTransactionQuietly(Work<T> work) {
    T result;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        result = work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw translate(e);
    }
    return result;
  }

  /** Work in a transaction that returns nothing: a write. */
  interface Update {
    void run(Connection c) throws SQLException;
  }

  /** {@link #inTransaction} for work that returns nothing. */
  void write(Update work) {
    inTransaction(done(work));
  }

  /** {@link #inTransactionQuietly} for work that returns nothing. */
  void writeQuietly(Update work) {
    inTransactionQuietly(done(work));
  }

  /** {@code work} as work whose result, true, only says that it ran. */
  private static Work<Boolean> done(Update work) {
    return c -> {
      work.run(c);
      return true;
    };
  }

  /** Runs a read. */
  <T> T read(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  static StoreException translate(SQLException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    // PostgreSQL: SQLState 23505; SQLite: SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY
    if ("23505".equals(e.getSQLState()) || message.contains("UNIQUE constraint failed")) {
      for (Map.Entry<String, String> u : UNIQUE.entrySet()) {
        if (message.contains(u.getKey())) {
          return new ConflictException(u.getValue());
        }
      }
      return new ConflictException("already exists (" + message + ")");
    }
    // PostgreSQL: 23503; SQLite: SQLITE_CONSTRAINT_FOREIGNKEY
    if ("23503".equals(e.getSQLState()) || message.contains("FOREIGN KEY constraint failed")) {
      return new ConflictException(ChangeSetWriter.STILL_REFERENCED);
    }
    return new StoreException("database error: " + message, e);
  }

  /** Sets parameters from {@code args} in order (null as SQL NULL). */
  static void bind(PreparedStatement ps, @Nullable Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] == null) {
        ps.setNull(i + 1, Types.NULL);
      } else {
        ps.setObject(i + 1, args[i]);
      }
    }
  }

  /** Runs one parameterised update; returns the rows changed. */
  static int update(Connection c, String sql, @Nullable Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  /** Reads one row of a result into a value. */
  interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /** Runs one parameterised query; every row of the answer read by {@code row}, in order. */
  static <T> List<T> list(Connection c, String sql, Row<T> row, @Nullable Object... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row.read(rs));
        }
        return out;
      }
    }
  }

  /** Runs one parameterised query whose answer is a single number (a count). */
  static long count(Connection c, String sql, @Nullable Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Adds up a batch's update counts (a driver may report "done, count unknown" for a row). */
  static long sum(int[] counts) {
    long n = 0;
    for (int c : counts) {
      n += c == Statement.SUCCESS_NO_INFO ? 1 : c;
    }
    return n;
  }

  /** An epoch-millisecond column as an instant. */
  static Instant instant(ResultSet rs, int column) throws SQLException {
    return Instant.ofEpochMilli(rs.getLong(column));
  }

  /** An epoch-millisecond column that may be NULL, as an instant. */
  static @Nullable Instant nullableInstant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  /** An instant as stored: epoch milliseconds, or NULL. */
  static @Nullable Long millis(@Nullable Instant at) {
    return at == null ? null : at.toEpochMilli();
  }
}
