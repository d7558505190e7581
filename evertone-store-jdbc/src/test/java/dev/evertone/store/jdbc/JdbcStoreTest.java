package dev.evertone.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.store.Actor;
import dev.evertone.store.Change;
import dev.evertone.store.StoreException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.Credential;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.ProvisioningState;
import dev.evertone.store.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store's files, keys and schema upgrades. */
class JdbcStoreTest {
  static final Actor ACTOR = Actor.local("test");

  @TempDir Path dir;
  private JdbcStore store;

  @BeforeEach
  void open() {
    store = JdbcStore.open(new StoreConfig(null, dir, null, 4), Clock.systemUTC());
    store.provisioning().apply(ChangeSet.builder().addDomain("example.com").build(), ACTOR);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void addLine(String user, String secret) {
    ChangeSet.Builder b = ChangeSet.builder();
    long d = b.nextRef();
    store
        .provisioning()
        .apply(
            b.device(new CreateDevice(d, "example.com", null, null, null, null))
                .line(
                    new CreateLine(
                        d, 1, "example.com", user, new Plain(secret), HistoryEntry.CREATED))
                .build(),
            ACTOR);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "exa mple.com",
        "-bad.com",
        "bad-.com",
        "a..b",
        "evil.com'; DROP TABLE device;--",
        "ümlaut.de"
      })
  void invalidDomainsAreRefusedWithTheField(String name) {
    assertThatThrownBy(
            () -> store.provisioning().apply(ChangeSet.builder().addDomain(name).build(), ACTOR))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("domain"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10 01", "10;01", "a@b", "a:b", "a%20", "a/b", "a?b", "tab\t"})
  void invalidAuthUsersAreRefused(String user) {
    assertThatThrownBy(() -> addLine(user, "pw"))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("auth_user"));
  }

  @Test
  void theSchemaVersionThatSkipsMigrationIsTheNewestMigration() throws Exception {
    // the fast path of open() trusts this constant: a new migration must raise it, or it would
    // never be applied to a database at the old version
    int newest = 0;
    try (var files = Files.list(Path.of(JdbcStore.class.getResource("/db/migration").toURI()))) {
      for (Path f : files.toList()) {
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("V(\\d+)__.*").matcher(f.getFileName().toString());
        if (m.matches()) {
          newest = Math.max(newest, Integer.parseInt(m.group(1)));
        }
      }
    }
    assertThat(JdbcStore.SCHEMA_VERSION).isEqualTo(newest);
    // and a store at that version opens again without migrating, with its data
    addLine("1001", "pw");
    store.close();
    store = JdbcStore.open(new StoreConfig(null, dir, null, 4), Clock.systemUTC());
    assertThat(store.credentials().lookup("example.com", "1001", false)).isPresent();
  }

  @Test
  void secretsAreNotInTheDatabaseFile() throws Exception {
    addLine("1001", "correct-horse-battery-staple");
    store.close();
    byte[] db = Files.readAllBytes(dir.resolve("evertone.db"));
    String wal =
        Files.exists(dir.resolve("evertone.db-wal"))
            ? Files.readString(dir.resolve("evertone.db-wal"), StandardCharsets.ISO_8859_1)
            : "";
    assertThat(new String(db, StandardCharsets.ISO_8859_1) + wal).doesNotContain("correct-horse");
    assertThat(Files.getPosixFilePermissions(dir.resolve("secret.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    store = JdbcStore.open(new StoreConfig(null, dir, null, 4), Clock.systemUTC());
    Credential c = store.credentials().lookup("example.com", "1001", false).orElseThrow();
    assertThat(c.secret()).isEqualTo("correct-horse-battery-staple");
    assertThat(c.toString()).doesNotContain("correct-horse");
  }

  @Test
  void aCiphertextMovedToAnotherRowDoesNotDecrypt() throws Exception {
    addLine("1001", "alice-secret");
    addLine("1002", "bob-secret");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("evertone.db"));
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE credential_version SET secret = (SELECT v.secret FROM credential_version v "
                    + "JOIN device_line l ON l.version_id = v.id WHERE l.auth_user = '1001') "
                    + "WHERE id = (SELECT version_id FROM device_line WHERE auth_user = '1002')")) {
      ps.executeUpdate();
    }
    assertThatThrownBy(() -> store.credentials().lookup("example.com", "1002", false))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot be decrypted");
  }

  @Test
  void aWrongKeyFileIsReportedClearly() {
    addLine("1001", "pw");
    store.close();
    store =
        JdbcStore.open(new StoreConfig(null, dir, dir.resolve("other.key"), 2), Clock.systemUTC());
    assertThatThrownBy(() -> store.credentials().lookup("example.com", "1001", false))
        .hasMessageContaining("wrong secret key file");
  }

  @Test
  void aPoolOfOneConnectionWorks() {
    store.close();
    store = JdbcStore.open(new StoreConfig(null, dir.resolve("one"), null, 1), Clock.systemUTC());
    store.provisioning().apply(ChangeSet.builder().addDomain("example.com").build(), ACTOR);
    addLine("1001", "pw");
    assertThat(store.credentials().lookup("example.com", "1001", true)).isPresent();
  }

  @Test
  void anotherProcessOnTheSameFileSeesTheSameData() {
    addLine("1001", "pw");
    try (JdbcStore other = JdbcStore.open(new StoreConfig(null, dir, null, 2), Clock.systemUTC())) {
      assertThat(other.credentials().lookup("example.com", "1001", false).orElseThrow().secret())
          .isEqualTo("pw");
      long seen = store.changes().latest();
      other.provisioning().apply(ChangeSet.builder().addDomain("b.example.org").build(), ACTOR);
      assertThat(store.changes().since(seen, 10))
          .extracting(Change::domain)
          .containsExactly("b.example.org");
    }
  }

  @Test
  void unsupportedDatabasesAreNamed() {
    assertThatThrownBy(
            () ->
                JdbcStore.open(
                    new StoreConfig("jdbc:mysql://x/y?password=hunter2", dir, null, 2),
                    Clock.systemUTC()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("unsupported database URL")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void anUnreachablePostgresqlIsNamedWithoutItsPassword() {
    assertThatThrownBy(
            () ->
                JdbcStore.open(
                    new StoreConfig(
                        "jdbc:postgresql://127.0.0.1:1/evertone?password=hunter2&connectTimeout=2",
                        dir,
                        null,
                        2),
                    Clock.systemUTC()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("127.0.0.1:1")
        .hasMessageNotContaining("hunter2");
  }

  /**
   * A database written by evertone 0.1 (schema 1: one SIP account per device) keeps every account.
   */
  @Test
  void version1DevicesBecomeUsersDevicesAndLines() throws Exception {
    for (String kind : List.of("sqlite", "postgresql")) {
      Path data = dir.resolve("v1-" + kind);
      String url =
          kind.equals("sqlite")
              ? "jdbc:sqlite:" + data.resolve("evertone.db")
              : TestDatabases.freshPostgresUrl();
      Files.createDirectories(data);
      Flyway.configure()
          .dataSource(url, null, null)
          .locations("classpath:db/migration")
          .target("1")
          .placeholders(
              Map.of(
                  "id_column",
                  kind.equals("sqlite")
                      ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                      : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"))
          .load()
          .migrate();
      SecretCipher cipher = SecretCipher.fromKeyFile(data.resolve("secret.key"));
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        s.execute("INSERT INTO domain (name, created_at) VALUES ('example.com', 1000)");
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO device (domain_id, username, display_name, secret, created_at, updated_at) "
                    + "VALUES ((SELECT id FROM domain WHERE name = 'example.com'), ?, ?, ?, 1000, 2000)")) {
          for (String user : List.of("1001", "alice")) {
            ps.setString(1, user);
            ps.setString(2, "Phone of " + user);
            ps.setString(3, cipher.encrypt("pw-" + user, "example.com", user));
            ps.executeUpdate();
          }
        }
      }
      try (JdbcStore upgraded =
          JdbcStore.open(
              new StoreConfig(kind.equals("sqlite") ? null : url, data, null, 2),
              Clock.systemUTC())) {
        assertThat(
                upgraded.credentials().lookup("example.com", "alice", false).orElseThrow().secret())
            .isEqualTo("pw-alice");
        ProvisioningState state = upgraded.provisioning().load(null);
        assertThat(state.users())
            .extracting(u -> u.extension() + "/" + u.displayName())
            .containsExactlyInAnyOrder("1001/Phone of 1001", "alice/Phone of alice");
        assertThat(state.lines())
            .allSatisfy(
                l -> {
                  assertThat(l.lineNo()).isEqualTo(1);
                  assertThat(l.secretHash())
                      .isEqualTo(
                          upgraded.provisioning().fingerprint(l.key(), "pw-" + l.authUser()));
                });
        assertThat(upgraded.credentials().history(new LineKey("example.com", "1001")))
            .singleElement()
            .satisfies(h -> assertThat(h.actor()).isEqualTo("migration"));
        // new rows get ids after the migrated ones
        ChangeSet.Builder b = ChangeSet.builder();
        long d = b.nextRef();
        upgraded
            .provisioning()
            .apply(
                b.device(new CreateDevice(d, "example.com", null, null, null, null))
                    .line(
                        new CreateLine(
                            d, 2, "example.com", "1002", new Plain("pw"), HistoryEntry.CREATED))
                    .build(),
                ACTOR);
        assertThat(upgraded.provisioning().load(null).devices()).hasSize(3);
      }
    }
  }
}
