package dev.evertone.store.jdbc;

import dev.evertone.store.Change;
import dev.evertone.store.ChangeFeed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

final class JdbcChangeFeed implements ChangeFeed {
  private final Jdbc jdbc;
  private final Object lock = new Object();
  private boolean pending;

  JdbcChangeFeed(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** One change: entity, domain, username (null for a whole domain), when. */
  static final String INSERT =
      "INSERT INTO change_log (entity, domain, username, changed_at) VALUES (?, ?, ?, ?)";

  /** Appends a change inside the caller's transaction. */
  static void record(
      Connection c, String entity, String domain, @Nullable String username, long now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setString(1, entity);
      ps.setString(2, domain);
      ps.setString(3, username);
      ps.setLong(4, now);
      ps.executeUpdate();
    }
  }

  /**
   * One change log entry per credential changed, or one for a whole domain when very many changed
   * there.
   */
  static void recordCredentials(Connection c, Map<String, List<String>> credentialChanges, long now)
      throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : credentialChanges.entrySet()) {
      if (e.getValue().size() > Change.DOMAIN_WIDE_AFTER) {
        rows.add(new Object[] {Change.DOMAIN, e.getKey(), null, now});
      } else {
        for (String user : e.getValue()) {
          rows.add(new Object[] {Change.CREDENTIAL, e.getKey(), user, now});
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      for (Object[] r : rows) {
        Jdbc.bind(ps, r);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Wakes the caches of every node (PostgreSQL delivers the notification at commit). */
  static void notifyNodes(Connection c, Dialect dialect) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
        ps.setString(1, Dialect.CHANNEL);
        ps.execute();
      }
    }
  }

  /** Wakes {@link #awaitChange}: a change was committed (here, or on another node). */
  void signal() {
    synchronized (lock) {
      pending = true;
      lock.notifyAll();
    }
  }

  @Override
  public void awaitChange(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    synchronized (lock) {
      long left;
      while (!pending && (left = deadline - System.nanoTime()) > 0) {
        lock.wait(Math.max(1, left / 1_000_000L));
      }
      pending = false;
    }
  }

  @Override
  public long latest() {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM change_log");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  @Override
  public List<Change> since(long seq, int max) {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, entity, domain, username FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, seq);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
              List<Change> out = new ArrayList<>();
              while (rs.next()) {
                out.add(
                    new Change(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
              }
              return out;
            }
          }
        });
  }

  @Override
  public int prune(long cutoffMillis) {
    return jdbc.inTransaction(
        c -> Jdbc.update(c, "DELETE FROM change_log WHERE changed_at < ?", cutoffMillis));
  }
}
