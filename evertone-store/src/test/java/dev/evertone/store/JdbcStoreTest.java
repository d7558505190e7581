package dev.evertone.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.store.jdbc.JdbcStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcStoreTest {
  @TempDir Path dir;
  private JdbcStore store;

  @BeforeEach
  void open() {
    store = JdbcStore.open(new StoreConfig(null, dir, null, 4), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void domainsAddListFindRemove() {
    store.domains().add("Example.COM");
    store.domains().add("b.example.org");
    assertThat(store.domains().list()).extracting(Domain::name).containsExactly("b.example.org", "example.com");
    assertThat(store.domains().find("EXAMPLE.com")).isPresent();
    assertThatThrownBy(() -> store.domains().add("example.com")).isInstanceOf(ConflictException.class)
        .hasMessageContaining("already exists");
    assertThat(store.domains().remove("b.example.org", false)).isZero();
    assertThatThrownBy(() -> store.domains().remove("b.example.org", false)).isInstanceOf(NotFoundException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "exa mple.com", "-bad.com", "bad-.com", "a..b", "evil.com'; DROP TABLE device;--", "ümlaut.de"})
  void invalidDomainsAreRefusedWithTheField(String name) {
    assertThatThrownBy(() -> store.domains().add(name)).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.field()).isEqualTo("domain"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10 01", "10;01", "a@b", "a:b", "a%20", "a/b", "a?b", "tab\t"})
  void invalidUsersAreRefused(String user) {
    store.domains().add("example.com");
    assertThatThrownBy(() -> store.devices().add("example.com", user, "pw", null)).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.field()).isEqualTo("user"));
  }

  @Test
  void hostileSecretChangesExactlyOneDeviceAndRoundTrips() {
    // the import that broke Level365's SQL: special characters in one key must touch one device only
    store.domains().add("example.com");
    for (int i = 0; i < 5; i++) {
      store.devices().add("example.com", "100" + i, "original-" + i, "Phone " + i);
    }
    String hostile = "x'; UPDATE device SET secret='pwned' --\"\\%;\u00e9\u4e2d\u6587 /* */";
    store.devices().setSecret("example.com", "1002", hostile);
    for (int i = 0; i < 5; i++) {
      String expected = i == 2 ? hostile : "original-" + i;
      assertThat(store.devices().credential("example.com", "100" + i)).get()
          .extracting(DeviceCredential::secret).isEqualTo(expected);
    }
    assertThat(store.devices().count("example.com")).isEqualTo(5);
  }

  @Test
  void passwordsAreNotInTheDatabaseFile() throws Exception {
    store.domains().add("example.com");
    store.devices().add("example.com", "1001", "correct-horse-battery-staple", null);
    store.close();
    byte[] db = Files.readAllBytes(dir.resolve("evertone.db"));
    String wal = Files.exists(dir.resolve("evertone.db-wal")) ? Files.readString(dir.resolve("evertone.db-wal"), StandardCharsets.ISO_8859_1) : "";
    assertThat(new String(db, StandardCharsets.ISO_8859_1) + wal).doesNotContain("correct-horse");
    assertThat(Files.getPosixFilePermissions(dir.resolve("secret.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    store = JdbcStore.open(new StoreConfig(null, dir, null, 4), Clock.systemUTC());
    assertThat(store.devices().credential("example.com", "1001").orElseThrow().secret()).isEqualTo("correct-horse-battery-staple");
    assertThat(store.devices().credential("example.com", "1001").orElseThrow().toString()).doesNotContain("correct-horse");
  }

  @Test
  void aCiphertextMovedToAnotherRowDoesNotDecrypt() throws Exception {
    store.domains().add("example.com");
    store.devices().add("example.com", "1001", "alice-secret", null);
    store.devices().add("example.com", "1002", "bob-secret", null);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("evertone.db"));
        PreparedStatement ps = c.prepareStatement(
            "UPDATE device SET secret = (SELECT secret FROM device WHERE username = '1001') WHERE username = '1002'")) {
      ps.executeUpdate();
    }
    assertThatThrownBy(() -> store.devices().credential("example.com", "1002")).isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot be decrypted");
  }

  @Test
  void aWrongKeyFileIsReportedClearly() {
    store.domains().add("example.com");
    store.devices().add("example.com", "1001", "pw", null);
    store.close();
    Path otherKey = dir.resolve("other.key");
    store = JdbcStore.open(new StoreConfig(null, dir, otherKey, 2), Clock.systemUTC());
    assertThatThrownBy(() -> store.devices().credential("example.com", "1001")).hasMessageContaining("wrong secret key file");
  }

  @Test
  void devicesNeedAnExistingDomainAndAreUnique() {
    assertThatThrownBy(() -> store.devices().add("nowhere.com", "1001", "pw", null)).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("evertone domain add nowhere.com");
    store.domains().add("example.com");
    store.devices().add("example.com", "1001", "pw", "Front desk");
    assertThatThrownBy(() -> store.devices().add("example.com", "1001", "pw2", null)).isInstanceOf(ConflictException.class);
    assertThat(store.devices().find("example.com", "1001")).get().extracting(Device::displayName).isEqualTo("Front desk");
    assertThat(store.devices().list(null)).extracting(Device::aor).containsExactly("sip:1001@example.com");
    assertThatThrownBy(() -> store.devices().setSecret("example.com", "9999", "x")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.devices().remove("example.com", "9999")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store.devices().add("example.com", "1002", "", null)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.devices().add("example.com", "1002", "a\0b", null)).isInstanceOf(ValidationException.class);
  }

  @Test
  void removingADomainWithDevicesNeedsConsent() {
    store.domains().add("example.com");
    store.devices().add("example.com", "1001", "pw", null);
    store.devices().add("example.com", "1002", "pw", null);
    assertThatThrownBy(() -> store.domains().remove("example.com", false)).isInstanceOf(ConflictException.class)
        .hasMessageContaining("still has 2 devices");
    assertThat(store.domains().remove("example.com", true)).isEqualTo(2);
    assertThat(store.devices().count(null)).isZero();
  }

  @Test
  void everyChangeIsInTheFeedForOtherProcesses() {
    long start = store.changes().latest();
    store.domains().add("example.com");
    store.devices().add("example.com", "1001", "pw", null);
    // a second process (the CLI) on the same file sees the same feed
    try (JdbcStore other = JdbcStore.open(new StoreConfig(null, dir, null, 2), Clock.systemUTC())) {
      other.devices().setSecret("example.com", "1001", "new");
      other.devices().remove("example.com", "1001");
    }
    List<Change> changes = store.changes().since(start, 100);
    assertThat(changes).extracting(c -> c.entity() + ":" + c.username())
        .containsExactly("domain:null", "device:1001", "device:1001", "device:1001");
    assertThat(store.changes().latest()).isEqualTo(changes.get(3).seq());
    assertThat(store.changes().since(changes.get(1).seq(), 1)).hasSize(1);
    assertThat(store.changes().prune(Long.MAX_VALUE)).isEqualTo(4);
  }

  @Test
  void addAllIsAllOrNothing() {
    store.domains().add("example.com");
    store.devices().add("example.com", "1005", "pw", null);
    List<DeviceRepository.NewDevice> batch = new java.util.ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      batch.add(new DeviceRepository.NewDevice("u" + i, "pw" + i, null));
    }
    assertThat(store.devices().addAll("example.com", batch)).isEqualTo(2500);
    assertThat(store.devices().credential("example.com", "u2499").orElseThrow().secret()).isEqualTo("pw2499");
    // one bad row (or one existing user) and nothing is written
    assertThatThrownBy(() -> store.devices().addAll("example.com",
        List.of(new DeviceRepository.NewDevice("x1", "pw", null), new DeviceRepository.NewDevice("bad user", "pw", null))))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.devices().addAll("example.com",
        List.of(new DeviceRepository.NewDevice("x2", "pw", null), new DeviceRepository.NewDevice("1005", "pw", null))))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store.devices().addAll("example.com",
        List.of(new DeviceRepository.NewDevice("x3", "pw", null), new DeviceRepository.NewDevice("x3", "pw", null))))
        .isInstanceOf(ConflictException.class).hasMessageContaining("listed twice");
    assertThat(store.devices().count("example.com")).isEqualTo(2501);
    assertThat(store.devices().find("example.com", "x1")).isEmpty();
    assertThat(store.devices().find("example.com", "x2")).isEmpty();
  }

  @Test
  void reopeningAppliesNoMigrationTwice() {
    store.domains().add("example.com");
    store.close();
    store = JdbcStore.open(new StoreConfig(null, dir, null, 2), Clock.systemUTC());
    assertThat(store.domains().list()).hasSize(1);
    assertThat(store.describe()).startsWith("sqlite jdbc:sqlite:");
  }

  @Test
  void aPoolOfOneConnectionWorks() {
    store.close();
    store = JdbcStore.open(new StoreConfig(null, dir.resolve("one"), null, 1), Clock.systemUTC());
    store.domains().add("example.com");
    store.devices().add("example.com", "1001", "pw", null);
    assertThat(store.devices().credential("example.com", "1001")).isPresent();
  }

  @Test
  void unsupportedDatabasesAreNamed() {
    assertThatThrownBy(() -> JdbcStore.open(new StoreConfig("jdbc:mysql://x/y?password=hunter2", dir, null, 2), Clock.systemUTC()))
        .isInstanceOf(StoreException.class).hasMessageContaining("unsupported database URL").hasMessageNotContaining("hunter2");
  }
}
