package dev.evertone.store.testing;

import dev.evertone.store.jdbc.StoreConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The databases every store test runs on: the embedded SQLite file, and a real PostgreSQL started
 * once per test JVM from the binaries on Maven Central (no service to install), with a fresh
 * database per test.
 */
public final class TestDatabases {
  private TestDatabases() {}

  /** The kinds of database evertone supports. */
  public enum Kind {
    SQLITE,
    POSTGRESQL
  }

  private static final AtomicInteger DATABASES = new AtomicInteger();
  // started on first use, once per test JVM
  private static @Nullable EmbeddedPostgres postgres;

  /** A store configuration on a new, empty database of {@code kind}; files go to {@code dir}. */
  public static StoreConfig fresh(Kind kind, Path dir) {
    return new StoreConfig(kind == Kind.SQLITE ? null : freshPostgresUrl(), dir, null, 4);
  }

  /** The JDBC URL of a new, empty PostgreSQL database. */
  public static synchronized String freshPostgresUrl() {
    String name = "evertone_test_" + DATABASES.incrementAndGet();
    try (Connection c = server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the test database " + name, e);
    }
    return server().getJdbcUrl("postgres", name);
  }

  private static synchronized EmbeddedPostgres server() {
    EmbeddedPostgres running = postgres;
    if (running != null) {
      return running;
    }
    EmbeddedPostgres started;
    try {
      started = EmbeddedPostgres.builder().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    }
    postgres = started;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    started.close();
                  } catch (IOException ignored) {
                    // the JVM is exiting
                  }
                }));
    return started;
  }
}
