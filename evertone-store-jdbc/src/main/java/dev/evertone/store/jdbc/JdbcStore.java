package dev.evertone.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.evertone.store.ChangeFeed;
import dev.evertone.store.Store;
import dev.evertone.store.StoreException;
import dev.evertone.store.admin.AdminTokenRepository;
import dev.evertone.store.audit.AuditLog;
import dev.evertone.store.calls.CallRecordRepository;
import dev.evertone.store.provisioning.CredentialRepository;
import dev.evertone.store.provisioning.DomainRepository;
import dev.evertone.store.provisioning.ProvisioningRepository;
import dev.evertone.store.registration.BindingRepository;
import dev.evertone.store.routing.RoutingRepository;
import dev.evertone.store.status.StatusRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store on a JDBC database: the embedded SQLite file by default, or PostgreSQL shared by
 * several nodes. Opening it applies any pending schema migration (Flyway), so a new version of
 * evertone upgrades the schema on start.
 */
public final class JdbcStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

  private final HikariDataSource dataSource;
  private final String description;
  private final JdbcDomainRepository domains;
  private final JdbcProvisioningRepository provisioning;
  private final JdbcCredentialRepository credentials;
  private final JdbcAuditLog audit;
  private final JdbcAdminTokenRepository tokens;
  private final JdbcChangeFeed changes;
  private final JdbcBindingRepository bindings;
  private final JdbcRoutingRepository routing;
  private final JdbcStatusRepository status;
  private final JdbcCallRecords calls;
  private final @Nullable PostgresNotifications notifications;

  private JdbcStore(
      HikariDataSource dataSource,
      Dialect dialect,
      String url,
      String description,
      SecretCipher cipher,
      Clock clock) {
    this.dataSource = dataSource;
    this.description = description;
    JdbcChangeFeed[] feed = new JdbcChangeFeed[1];
    Jdbc jdbc = new Jdbc(dataSource, dialect, () -> feed[0].signal());
    this.changes = feed[0] = new JdbcChangeFeed(jdbc);
    this.domains = new JdbcDomainRepository(jdbc);
    ChangeSetWriter writer = new ChangeSetWriter(jdbc, cipher, clock);
    this.provisioning = new JdbcProvisioningRepository(jdbc, cipher, writer);
    this.credentials =
        new JdbcCredentialRepository(jdbc, cipher, new RestoreWriter(jdbc, writer, clock));
    this.audit = new JdbcAuditLog(jdbc);
    this.tokens = new JdbcAdminTokenRepository(jdbc, clock);
    this.bindings = new JdbcBindingRepository(jdbc);
    this.routing = new JdbcRoutingRepository(jdbc, cipher, clock);
    this.status = new JdbcStatusRepository(jdbc, cipher, clock);
    this.calls = new JdbcCallRecords(jdbc);
    this.notifications =
        dialect == Dialect.POSTGRESQL ? new PostgresNotifications(url, changes::signal) : null;
  }

  /** Opens (creating if needed) and migrates the database of {@code config}. */
  public static JdbcStore open(StoreConfig config, Clock clock) {
    String url = config.effectiveJdbcUrl();
    Dialect dialect = Dialect.of(url);
    if (dialect == Dialect.SQLITE) {
      try {
        Files.createDirectories(config.dataDir());
      } catch (IOException e) {
        throw new StoreException(
            "cannot create the data directory " + config.dataDir() + ": " + e.getMessage(), e);
      }
    }
    SecretCipher cipher = SecretCipher.fromKeyFile(config.effectiveSecretKeyFile());
    HikariDataSource ds = dataSource(url, dialect, config.poolSize(), "evertone-store");
    // a schema at this build's version needs no migration: Flyway's start (about half of a CLI
    // command's second) only runs when there is something to migrate
    if (!schemaIsCurrent(ds)) {
      try {
        migrate(url, dialect, cipher);
      } catch (RuntimeException e) {
        ds.close();
        throw e;
      }
    }
    String description = dialect.name().toLowerCase(Locale.ROOT) + " " + redact(url);
    log.debug("store opened: {}", description);
    return new JdbcStore(ds, dialect, url, description, cipher, clock);
  }

  /**
   * The newest schema version this build ships: the highest {@code V<n>__} migration ({@code
   * JdbcStoreTest} checks that it is).
   */
  static final int SCHEMA_VERSION = 9;

  /** Whether every migration of this build, and no newer one, has been applied with success. */
  private static boolean schemaIsCurrent(HikariDataSource ds) {
    try (java.sql.Connection c = ds.getConnection();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*), MAX(CAST(version AS INTEGER)), MIN(CASE WHEN success THEN 1 ELSE 0 END)"
                    + " FROM flyway_schema_history WHERE version IS NOT NULL")) {
      return rs.next()
          && rs.getInt(1) == SCHEMA_VERSION
          && rs.getInt(2) == SCHEMA_VERSION
          && rs.getInt(3) == 1;
    } catch (java.sql.SQLException e) {
      return false; // no history yet (a new database), or not ours: Flyway says which
    }
  }

  private static void migrate(String url, Dialect dialect, SecretCipher cipher) {
    // Migrations get their own small pool: Flyway holds a connection (more on PostgreSQL: its lock)
    // while it
    // works on another, so it would wait forever on a pool of one.
    try (HikariDataSource migration = dataSource(url, dialect, 4, "evertone-migration")) {
      Flyway.configure()
          .dataSource(migration)
          .locations("classpath:db/migration")
          .javaMigrations(new V3__Fill_secret_fingerprints(cipher))
          .placeholders(
              Map.of(
                  "id_column",
                  dialect.idColumn,
                  "line_table_options",
                  dialect.lineTableOptions,
                  "range_index",
                  dialect.rangeIndex))
          .load()
          .migrate();
    } catch (FlywayException e) {
      if (String.valueOf(e.getMessage()).contains("no schema history table")) {
        throw new StoreException(
            "the database "
                + redact(url)
                + " already holds tables that are not evertone's; give evertone a database "
                + "of its own",
            e);
      }
      throw new StoreException(
          "cannot migrate the database schema of " + redact(url) + ": " + rootMessage(e), e);
    }
  }

  private static @Nullable String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? e.getMessage() : e.getMessage() + " (" + t.getMessage() + ")";
  }

  private static HikariDataSource dataSource(
      String url, Dialect dialect, int poolSize, String name) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(1);
    hc.setPoolName(name);
    hc.setInitializationFailTimeout(10_000);
    hc.setConnectionTimeout(10_000);
    if (dialect == Dialect.SQLITE) {
      // WAL: readers never block the writer, so the CLI can write while a server reads
      hc.addDataSourceProperty("journal_mode", "WAL");
      hc.addDataSourceProperty("synchronous", "NORMAL");
      hc.addDataSourceProperty("busy_timeout", "10000");
      hc.addDataSourceProperty("foreign_keys", "true");
      // a write transaction takes the write lock when it begins, not at its first write: two
      // processes
      // that read and then write would otherwise fail with "database is locked" instead of waiting
      hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
      // a bulk import touches every page of several indexes: 64 MiB of page cache per connection
      // instead of
      // SQLite's 2 MiB, and staging tables in memory rather than in a temporary file
      hc.addDataSourceProperty("cache_size", "-65536");
      hc.addDataSourceProperty("temp_store", "MEMORY");
    } else {
      // a batch of inserts becomes multi-row INSERTs: a bulk import costs a few round trips, not
      // one per row
      hc.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    try {
      return new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot open the database " + redact(url) + ": " + rootMessage(e), e);
    }
  }

  /** The URL without any password parameter. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  @Override
  public DomainRepository domains() {
    return domains;
  }

  @Override
  public ProvisioningRepository provisioning() {
    return provisioning;
  }

  @Override
  public CredentialRepository credentials() {
    return credentials;
  }

  @Override
  public AuditLog audit() {
    return audit;
  }

  @Override
  public AdminTokenRepository tokens() {
    return tokens;
  }

  @Override
  public ChangeFeed changes() {
    return changes;
  }

  @Override
  public BindingRepository bindings() {
    return bindings;
  }

  @Override
  public RoutingRepository routing() {
    return routing;
  }

  @Override
  public StatusRepository status() {
    return status;
  }

  @Override
  public CallRecordRepository calls() {
    return calls;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    if (notifications != null) {
      notifications.close();
    }
    dataSource.close();
  }
}
