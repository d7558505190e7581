package dev.evertone.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL's {@code evertone_changes} channel with a connection of its own, and wakes
 * this node's change feed whenever any node commits a change: caches see it at once instead of at
 * the next poll. When the connection breaks it reconnects, and wakes the feed then too, since a
 * notification may have been missed.
 */
final class PostgresNotifications implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresNotifications.class);
  private static final int WAIT_MILLIS = 500;

  private final String url;
  private final Runnable onNotification;
  private final Thread thread;
  private volatile boolean running = true;

  PostgresNotifications(String url, Runnable onNotification) {
    this.url = url;
    this.onNotification = onNotification;
    this.thread = new Thread(this::listen, "store-notifications");
    thread.setDaemon(true);
    thread.start();
  }

  private void listen() {
    boolean failing = false;
    while (running) {
      try (Connection c = DriverManager.getConnection(url)) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + Dialect.CHANNEL);
        }
        if (failing) {
          log.info("listening for changes from other nodes again");
          failing = false;
        }
        onNotification.run();
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] received = pg.getNotifications(WAIT_MILLIS);
          if (received != null && received.length > 0) {
            onNotification.run();
          }
        }
      } catch (SQLException e) {
        if (!running) {
          return;
        }
        if (!failing) {
          log.warn(
              "cannot listen for changes from other nodes ({}); caches fall back to polling until it works",
              e.getMessage());
          failing = true;
        }
        try {
          Thread.sleep(2000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
