package dev.evertone.store.jdbc;

import dev.evertone.store.ConflictException;
import dev.evertone.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Transactions and error mapping shared by the repositories. */
final class Jdbc {
  private final DataSource dataSource;

  Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  <T> T inTransaction(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      if (isUniqueViolation(e)) {
        throw new ConflictException("already exists (" + e.getMessage() + ")");
      }
      throw new StoreException("database error: " + e.getMessage(), e);
    }
  }

  /** Runs a read. */
  <T> T read(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException("database error: " + e.getMessage(), e);
    }
  }

  private static boolean isUniqueViolation(SQLException e) {
    // PostgreSQL: SQLState 23505; SQLite: SQLITE_CONSTRAINT_UNIQUE
    return "23505".equals(e.getSQLState()) || (e.getMessage() != null && e.getMessage().contains("UNIQUE constraint failed"));
  }
}
