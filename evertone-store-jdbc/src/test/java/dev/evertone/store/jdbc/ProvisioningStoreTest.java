package dev.evertone.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.store.Actor;
import dev.evertone.store.Change;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.DeleteDevice;
import dev.evertone.store.provisioning.ChangeSet.DeleteLine;
import dev.evertone.store.provisioning.ChangeSet.FromVersion;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.Credential;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.Domain;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.ProvisioningState;
import dev.evertone.store.provisioning.RestoreOutcome;
import dev.evertone.store.provisioning.RestorePlan;
import dev.evertone.store.provisioning.RestoreSpec;
import dev.evertone.store.provisioning.Scope;
import dev.evertone.store.provisioning.User;
import dev.evertone.store.testing.TestDatabases;
import dev.evertone.store.testing.TestDatabases.Kind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The provisioning store on SQLite and on a real PostgreSQL: every write through a change set. */
@ParameterizedClass
@EnumSource(Kind.class)
class ProvisioningStoreTest {
  static final Actor ALICE = new Actor("cli:alice", "local");

  final Kind kind;
  @TempDir Path dir;
  MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  StoreConfig config;
  JdbcStore store;

  ProvisioningStoreTest(Kind kind) {
    this.kind = kind;
  }

  @BeforeEach
  void open() {
    config = TestDatabases.fresh(kind, dir);
    store = JdbcStore.open(config, clock);
    apply(ChangeSet.builder().addDomain("example.com").addDomain("other.org").build());
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void apply(ChangeSet changes) {
    store.provisioning().apply(changes, ALICE);
  }

  /**
   * Adds user {@code user}, a device with {@code mac}, and its line 1 with auth user {@code user}.
   */
  private void addPhone(String domain, String user, String mac, String secret) {
    ChangeSet.Builder b = ChangeSet.builder();
    long u = b.nextRef();
    long d = b.nextRef();
    apply(
        b.user(new CreateUser(u, domain, user, "Phone " + user))
            .device(new CreateDevice(d, domain, mac, "Yealink T54W", null, u))
            .line(new CreateLine(d, 1, domain, user, new Plain(secret), HistoryEntry.CREATED))
            .audit("device.add", user + "@" + domain, null)
            .build());
  }

  private String secret(String domain, String user) {
    return store.credentials().lookup(domain, user, false).orElseThrow().secret();
  }

  private Map<String, Line> lines() {
    return store.provisioning().load(null).lines().stream()
        .collect(Collectors.toMap(l -> l.key().toString(), Function.identity()));
  }

  /** The stored line {@code key} ({@code authUser@domain}), which the test knows is there. */
  private Line storedLine(String key) {
    return Objects.requireNonNull(lines().get(key), key + " is stored");
  }

  @Test
  void anExtensionRingsTheLinesOfItsUsersDevices() {
    // user 2001 has a desk phone (two lines: acme-2001 and acme-2001b) and a softphone (line
    // acme-2001s)
    ChangeSet.Builder b = ChangeSet.builder();
    long u = b.nextRef();
    long desk = b.nextRef();
    long soft = b.nextRef();
    apply(
        b.user(new CreateUser(u, "example.com", "2001", "Front desk"))
            .device(new CreateDevice(desk, "example.com", "001565aabb01", "Yealink T54W", null, u))
            .device(new CreateDevice(soft, "example.com", null, "Linphone", null, u))
            .line(
                new CreateLine(
                    desk, 1, "example.com", "acme-2001", new Plain("a"), HistoryEntry.CREATED))
            .line(
                new CreateLine(
                    desk, 2, "example.com", "acme-2001b", new Plain("b"), HistoryEntry.CREATED))
            .line(
                new CreateLine(
                    soft, 1, "example.com", "acme-2001s", new Plain("c"), HistoryEntry.CREATED))
            .build());
    addPhone("other.org", "2001", "001565aabb02", "x");
    assertThat(store.provisioning().authUsersOfExtension("example.com", "2001"))
        .containsExactly("acme-2001", "acme-2001b", "acme-2001s");
    assertThat(store.provisioning().authUsersOfExtension("EXAMPLE.com", "2001")).hasSize(3);
    assertThat(store.provisioning().authUsersOfExtension("other.org", "2001"))
        .containsExactly("2001");
    assertThat(store.provisioning().authUsersOfExtension("example.com", "2002")).isEmpty();
  }

  @Test
  void aPhoneIsAUserADeviceAndALine() {
    addPhone("example.com", "1001", "001565aabbcc", "s3cret");
    ProvisioningState state = store.provisioning().load(Set.of("example.com"));
    assertThat(state.domains()).containsExactly("example.com");
    assertThat(state.linesPerDomain()).containsEntry("example.com", 1);
    assertThat(state.users())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.extension()).isEqualTo("1001");
              assertThat(u.displayName()).isEqualTo("Phone 1001");
            });
    Device device = state.devices().get(0);
    assertThat(device.mac()).isEqualTo("001565aabbcc");
    assertThat(device.userId()).isEqualTo(state.users().get(0).id());
    Line line = state.lines().get(0);
    assertThat(line.deviceId()).isEqualTo(device.id());
    assertThat(line.aor()).isEqualTo("sip:1001@example.com");
    assertThat(line.secretHash())
        .isEqualTo(store.provisioning().fingerprint(line.key(), "s3cret"))
        .isNotEqualTo(store.provisioning().fingerprint(line.key(), "s3cret "));
    assertThat(secret("example.com", "1001")).isEqualTo("s3cret");
    assertThat(store.credentials().lookup("example.com", "9999", false)).isEmpty();
    assertThat(store.credentials().lookup("example.com", "bad user", false)).isEmpty();
  }

  @Test
  void equalSecretsOfTwoLinesHaveDifferentFingerprints() {
    addPhone("example.com", "1001", "001565aabbc1", "same");
    addPhone("example.com", "1002", "001565aabbc2", "same");
    assertThat(storedLine("1001@example.com").secretHash())
        .isNotEqualTo(storedLine("1002@example.com").secretHash());
  }

  @Test
  void aHostileSecretChangesExactlyOneLine() {
    // the import that broke Level365's SQL: special characters in one key must touch one device
    // only
    for (int i = 0; i < 5; i++) {
      addPhone("example.com", "100" + i, "00156500000" + i, "original-" + i);
    }
    Map<String, Line> before = lines();
    String hostile =
        "x'; UPDATE device_line SET secret='pwned' --\"\\%;\u00e9\u4e2d\u6587 /* */\r\n\t";
    Line target = Objects.requireNonNull(before.get("1002@example.com"));
    apply(
        ChangeSet.builder()
            .line(
                new UpdateLine(
                    target.id(),
                    target.revision(),
                    target.key(),
                    target.deviceId(),
                    1,
                    new Plain(hostile),
                    HistoryEntry.CHANGED))
            .build());
    for (int i = 0; i < 5; i++) {
      assertThat(secret("example.com", "100" + i)).isEqualTo(i == 2 ? hostile : "original-" + i);
    }
    Map<String, Line> after = lines();
    before.forEach(
        (key, line) -> {
          if (!key.equals("1002@example.com")) {
            assertThat(after.get(key)).isEqualTo(line);
          }
        });
    assertThat(Objects.requireNonNull(after.get("1002@example.com")).revision())
        .isEqualTo(target.revision() + 1);
  }

  @Test
  void aStaleRevisionWritesNothing() {
    addPhone("example.com", "1001", "001565aabbcc", "one");
    Line line = storedLine("1001@example.com");
    apply(
        ChangeSet.builder()
            .line(
                new UpdateLine(
                    line.id(),
                    line.revision(),
                    line.key(),
                    line.deviceId(),
                    1,
                    new Plain("two"),
                    HistoryEntry.CHANGED))
            .build());
    // planned against the first revision, applied after the second: refused, and the user added
    // with it too
    ChangeSet.Builder b = ChangeSet.builder();
    ChangeSet stale =
        b.user(new CreateUser(b.nextRef(), "example.com", "2000", null))
            .line(
                new UpdateLine(
                    line.id(),
                    line.revision(),
                    line.key(),
                    line.deviceId(),
                    1,
                    new Plain("three"),
                    HistoryEntry.CHANGED))
            .build();
    assertThatThrownBy(() -> apply(stale))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("nothing was written");
    assertThat(secret("example.com", "1001")).isEqualTo("two");
    assertThat(store.provisioning().load(null).users())
        .extracting(User::extension)
        .containsExactly("1001");
  }

  @Test
  void takenNamesAreConflictsThatSayWhat() {
    addPhone("example.com", "1001", "001565aabbcc", "pw");
    assertThatThrownBy(() -> addPhone("example.com", "1001", "001565aabbcd", "pw"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("extension is already taken");
    ChangeSet.Builder b = ChangeSet.builder();
    long d = b.nextRef();
    ChangeSet sameMac =
        b.device(new CreateDevice(d, "other.org", "001565aabbcc", null, null, null))
            .line(new CreateLine(d, 1, "other.org", "7", new Plain("pw"), HistoryEntry.CREATED))
            .build();
    assertThatThrownBy(() -> apply(sameMac))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("MAC address already belongs");
    ChangeSet.Builder b2 = ChangeSet.builder();
    long d2 = b2.nextRef();
    ChangeSet sameAuthUser =
        b2.device(new CreateDevice(d2, "example.com", null, null, null, null))
            .line(
                new CreateLine(d2, 1, "example.com", "1001", new Plain("pw"), HistoryEntry.CREATED))
            .build();
    assertThatThrownBy(() -> apply(sameAuthUser))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("auth user 1001@example.com is already taken");
    assertThat(store.provisioning().load(null).devices()).hasSize(1);
  }

  @Test
  void aNameCreatedAgainKeepsItsHistoryAndATakenOneIsAConflictInSmallAndLargeDomains() {
    // one line into a domain of one name (its names are read whole), and into one of six (looked up
    // by name)
    addPhone("example.com", "1001", "001565aabbcc", "pw");
    for (int i = 0; i < 6; i++) {
      addPhone("other.org", "20" + i, "0015650000f" + i, "pw");
    }
    for (String key : List.of("1001@example.com", "200@other.org")) {
      Line line = storedLine(key);
      apply(
          ChangeSet.builder().line(new DeleteLine(line.id(), line.revision(), line.key())).build());
      ChangeSet again =
          ChangeSet.builder()
              .line(
                  new CreateLine(
                      line.deviceId(),
                      1,
                      line.key().domain(),
                      line.key().authUser(),
                      new Plain("new"),
                      HistoryEntry.CREATED))
              .build();
      apply(again);
      assertThat(secret(line.key().domain(), line.key().authUser())).isEqualTo("new");
      assertThat(storedLine(key).id()).as("the same line key").isEqualTo(line.id());
      assertThat(store.credentials().history(line.key()))
          .extracting(HistoryEntry::change)
          .containsExactly("created", "deleted", "created");
      assertThatThrownBy(() -> apply(again))
          .isInstanceOf(ConflictException.class)
          .hasMessageContaining("auth user " + key + " is already taken");
    }
  }

  @Test
  void aDeviceWithLinesCannotBeDeletedAlone() {
    addPhone("example.com", "1001", "001565aabbcc", "pw");
    Device device = store.provisioning().load(null).devices().get(0);
    assertThatThrownBy(
            () ->
                apply(
                    ChangeSet.builder()
                        .device(new DeleteDevice(device.id(), device.revision()))
                        .build()))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("a device with lines");
    Line line = storedLine("1001@example.com");
    apply(
        ChangeSet.builder()
            .line(new DeleteLine(line.id(), line.revision(), line.key()))
            .device(new DeleteDevice(device.id(), device.revision()))
            .build());
    assertThat(store.provisioning().load(null).devices()).isEmpty();
    assertThat(store.credentials().lookup("example.com", "1001", false)).isEmpty();
  }

  @Test
  void unknownDomainsAndBadValuesAreRefusedBeforeAnyWrite() {
    ChangeSet.Builder b = ChangeSet.builder();
    long d = b.nextRef();
    assertThatThrownBy(
            () ->
                apply(b.device(new CreateDevice(d, "nowhere.net", null, null, null, null)).build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("evertone domain add nowhere.net");
    ChangeSet.Builder b2 = ChangeSet.builder();
    long d2 = b2.nextRef();
    assertThatThrownBy(
            () ->
                apply(
                    b2.device(new CreateDevice(d2, "example.com", null, null, null, null))
                        .line(
                            new CreateLine(
                                d2,
                                1,
                                "example.com",
                                "ok",
                                new Plain("a\0b"),
                                HistoryEntry.CREATED))
                        .build()))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("secret"));
    assertThat(store.provisioning().load(null).devices()).isEmpty();
  }

  @Test
  void everyCredentialChangeIsVersionedWithActorAndBatch() {
    addPhone("example.com", "1001", "001565aabbcc", "first");
    clock.advance(60);
    Line line = storedLine("1001@example.com");
    store
        .provisioning()
        .apply(
            ChangeSet.builder()
                .batch("b-1")
                .line(
                    new UpdateLine(
                        line.id(),
                        line.revision(),
                        line.key(),
                        line.deviceId(),
                        1,
                        new Plain("second"),
                        HistoryEntry.CHANGED))
                .audit("import.apply", "example.com", "1 changed")
                .build(),
            new Actor("token:ops", "192.0.2.7"));
    clock.advance(60);
    Line now = storedLine("1001@example.com");
    apply(ChangeSet.builder().line(new DeleteLine(now.id(), now.revision(), now.key())).build());
    List<HistoryEntry> history = store.credentials().history(new LineKey("example.com", "1001"));
    assertThat(history)
        .extracting(HistoryEntry::change)
        .containsExactly("created", "changed", "deleted");
    assertThat(history)
        .extracting(HistoryEntry::actor)
        .containsExactly("cli:alice", "token:ops", "cli:alice");
    assertThat(history.get(1).batchId()).isEqualTo("b-1");
    assertThat(history.get(1).secretHash())
        .isEqualTo(store.provisioning().fingerprint(line.key(), "second"));
    assertThat(history.get(2).secretHash()).isNull();
    assertThat(history.get(2).versionId()).isNull();
    assertThat(store.audit().list("b-1", null, 10))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo("token:ops");
              assertThat(e.source()).isEqualTo("192.0.2.7");
              assertThat(e.action()).isEqualTo("import.apply");
            });
  }

  @Test
  void thePreviousSecretIsThereForAGraceWindow() {
    addPhone("example.com", "1001", "001565aabbcc", "old");
    assertThat(
            store.credentials().lookup("example.com", "1001", true).orElseThrow().previousSecret())
        .isNull();
    clock.advance(30);
    Line line = storedLine("1001@example.com");
    apply(
        ChangeSet.builder()
            .line(
                new UpdateLine(
                    line.id(),
                    line.revision(),
                    line.key(),
                    line.deviceId(),
                    1,
                    new Plain("new"),
                    HistoryEntry.CHANGED))
            .build());
    Credential c = store.credentials().lookup("example.com", "1001", true).orElseThrow();
    assertThat(c.secret()).isEqualTo("new");
    assertThat(c.previousSecret()).isEqualTo("old");
    assertThat(c.changedAt()).isEqualTo(clock.instant());
    assertThat(c.toString()).doesNotContain("old").doesNotContain("new");
    assertThat(
            store.credentials().lookup("example.com", "1001", false).orElseThrow().previousSecret())
        .isNull();
  }

  /** The last restore plan the store showed. */
  private final RestorePlan[] lastPlan = new RestorePlan[1];

  private RestoreOutcome restore(RestoreSpec spec, boolean apply) {
    return store
        .credentials()
        .restore(
            spec,
            ALICE,
            "restore-" + System.nanoTime(),
            plan -> {
              lastPlan[0] = plan;
              return apply ? new ChangeSet.AuditEntry("credentials.restore", null, null) : null;
            });
  }

  private static RestoreSpec undo(String batch) {
    return new RestoreSpec(null, batch, Scope.all(), 100);
  }

  private Line line(String user) {
    return storedLine(user + "@example.com");
  }

  @Test
  void undoingABatchPointsEveryLineBackAndRecreatesWhatItDeleted() {
    addPhone("example.com", "1001", "001565aabbc1", "a1");
    addPhone("example.com", "1002", "001565aabbc2", "b1");
    addPhone("example.com", "1004", "001565aabbc4", "d1");
    clock.advance(10);
    ChangeSet.Builder b = ChangeSet.builder().batch("import-1");
    long d = b.nextRef();
    store
        .provisioning()
        .apply(
            b.line(
                    new UpdateLine(
                        line("1001").id(),
                        line("1001").revision(),
                        line("1001").key(),
                        line("1001").deviceId(),
                        1,
                        new Plain("a2"),
                        HistoryEntry.CHANGED))
                .line(
                    new UpdateLine(
                        line("1004").id(),
                        line("1004").revision(),
                        line("1004").key(),
                        line("1004").deviceId(),
                        1,
                        new Plain("d2"),
                        HistoryEntry.CHANGED))
                .line(
                    new DeleteLine(line("1002").id(), line("1002").revision(), line("1002").key()))
                .device(new CreateDevice(d, "example.com", null, null, null, null))
                .line(
                    new CreateLine(
                        d, 1, "example.com", "1003", new Plain("c1"), HistoryEntry.CREATED))
                .build(),
            new Actor("token:bad", "x"));
    // someone fixes 1004 by hand after the import: undoing the import must not undo that
    clock.advance(10);
    Line fixed = line("1004");
    apply(
        ChangeSet.builder()
            .line(
                new UpdateLine(
                    fixed.id(),
                    fixed.revision(),
                    fixed.key(),
                    fixed.deviceId(),
                    1,
                    new Plain("d3"),
                    HistoryEntry.CHANGED))
            .build());
    Device device2 = store.provisioning().devicesWithMacs(Set.of("001565aabbc2")).get(0);
    apply(
        ChangeSet.builder()
            .device(new DeleteDevice(device2.id(), device2.revision()))
            .build()); // its device went too

    RestoreOutcome dry = restore(undo("import-1"), false);
    assertThat(dry.applied()).isFalse();
    RestorePlan plan = dry.plan();
    assertThat(plan.total(RestorePlan.Kind.RESTORE)).isEqualTo(1);
    assertThat(plan.total(RestorePlan.Kind.RECREATE)).isEqualTo(1);
    assertThat(plan.total(RestorePlan.Kind.DELETE)).isEqualTo(1);
    assertThat(plan.total(RestorePlan.Kind.SKIP)).isEqualTo(1);
    assertThat(plan.linesPerDomain()).containsEntry("example.com", 3);
    assertThat(plan.items())
        .filteredOn(i -> i.kind() == RestorePlan.Kind.SKIP)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.line().authUser()).isEqualTo("1004");
              assertThat(i.note()).startsWith("changed again after the batch, by cli:alice at ");
            });
    assertThat(secret("example.com", "1001")).isEqualTo("a2"); // a dry run writes nothing

    assertThat(restore(undo("import-1"), true).applied()).isTrue();
    assertThat(secret("example.com", "1001")).isEqualTo("a1");
    assertThat(secret("example.com", "1002")).isEqualTo("b1");
    assertThat(secret("example.com", "1004")).isEqualTo("d3");
    assertThat(store.credentials().lookup("example.com", "1003", false)).isEmpty();
    // the recreated line is back on a device with its MAC, with its owner
    Device back = store.provisioning().devicesWithMacs(Set.of("001565aabbc2")).get(0);
    assertThat(back.model()).isEqualTo("Yealink T54W");
    assertThat(
            store.provisioning().load(null).users().stream()
                .filter(u -> Objects.equals(back.userId(), u.id()))
                .findFirst()
                .orElseThrow()
                .extension())
        .isEqualTo("1002");
    assertThat(store.credentials().history(new LineKey("example.com", "1002")))
        .extracting(HistoryEntry::change)
        .containsExactly("created", "deleted", "restored");
    assertThat(store.credentials().history(new LineKey("example.com", "1001")))
        .extracting(HistoryEntry::change)
        .containsExactly("created", "changed", "restored");
    // the grace window's previous secret after a restore is the one the restore replaced
    assertThat(
            store.credentials().lookup("example.com", "1001", true).orElseThrow().previousSecret())
        .isEqualTo("a2");
    assertThatThrownBy(() -> restore(undo("no-such-batch"), true))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void restoringToAMomentKeepsLinesCreatedSinceAndCoversOnlyTheScope() {
    addPhone("example.com", "1001", "001565aabbc1", "a1");
    addPhone("other.org", "7", "001565aabbc7", "o1");
    clock.advance(10);
    Instant before = clock.instant();
    clock.advance(10);
    Line l = line("1001");
    apply(
        ChangeSet.builder()
            .line(
                new UpdateLine(
                    l.id(),
                    l.revision(),
                    l.key(),
                    l.deviceId(),
                    1,
                    new Plain("bad"),
                    HistoryEntry.CHANGED))
            .build());
    Line o = storedLine("7@other.org");
    apply(
        ChangeSet.builder()
            .line(
                new UpdateLine(
                    o.id(),
                    o.revision(),
                    o.key(),
                    o.deviceId(),
                    1,
                    new Plain("bad"),
                    HistoryEntry.CHANGED))
            .build());
    addPhone("example.com", "1005", "001565aabbc5", "new");
    RestoreOutcome done =
        restore(new RestoreSpec(before, null, Scope.domain("example.com"), 10), true);
    assertThat(done.plan().total(RestorePlan.Kind.RESTORE)).isEqualTo(1);
    assertThat(done.plan().total(RestorePlan.Kind.KEEP)).isEqualTo(1);
    assertThat(secret("example.com", "1001")).isEqualTo("a1");
    assertThat(secret("example.com", "1005")).isEqualTo("new");
    assertThat(secret("other.org", "7")).isEqualTo("bad");
    restore(
        new RestoreSpec(before, null, new Scope(null, Set.of(), Set.of("001565aabbc7")), 10), true);
    assertThat(secret("other.org", "7")).isEqualTo("o1");
  }

  @Test
  void aLinePointsOnlyToVersionsOfItsOwnSecret() {
    addPhone("example.com", "1001", "001565aabbc1", "a1");
    addPhone("example.com", "1002", "001565aabbc2", "b1");
    long versionOf1002 = line("1002").versionId();
    Line l = line("1001");
    assertThatThrownBy(
            () ->
                apply(
                    ChangeSet.builder()
                        .line(
                            new UpdateLine(
                                l.id(),
                                l.revision(),
                                l.key(),
                                l.deviceId(),
                                1,
                                new FromVersion(versionOf1002),
                                HistoryEntry.RESTORED))
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not theirs");
    assertThat(secret("example.com", "1001")).isEqualTo("a1");
  }

  @Test
  void theChangeLogNamesLinesOrWholeDomainsForBulkChanges() throws Exception {
    long start = store.changes().latest();
    addPhone("example.com", "1001", "001565aabbcc", "pw");
    assertThat(store.changes().since(start, 10))
        .extracting(c -> c.entity() + ":" + c.domain() + ":" + c.username())
        .containsExactly("credential:example.com:1001");
    long mark = store.changes().latest();
    ChangeSet.Builder b = ChangeSet.builder();
    for (int i = 0; i < Change.DOMAIN_WIDE_AFTER + 1; i++) {
      long d = b.nextRef();
      b.device(new CreateDevice(d, "other.org", null, null, null, null))
          .line(
              new CreateLine(
                  d, 1, "other.org", "u" + i, new Plain("pw" + i), HistoryEntry.CREATED));
    }
    apply(b.build());
    assertThat(store.changes().since(mark, 10))
        .extracting(c -> c.entity() + ":" + c.domain() + ":" + c.username())
        .containsExactly("domain:other.org:null");
    assertThat(secret("other.org", "u1000")).isEqualTo("pw1000");
    // a write through this store wakes a waiting reader at once
    long t0 = System.nanoTime();
    store.changes().awaitChange(5000);
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
  }

  @Test
  void aDomainIsRemovedWithItsLinesAndTheHistoryRemembersThem() {
    addPhone("other.org", "7", "001565aabbcc", "pw");
    ProvisioningState s = store.provisioning().load(Set.of("other.org"));
    assertThatThrownBy(() -> apply(ChangeSet.builder().removeDomain("other.org").build()))
        .isInstanceOf(ConflictException.class);
    apply(
        ChangeSet.builder()
            .line(
                new DeleteLine(
                    s.lines().get(0).id(), s.lines().get(0).revision(), s.lines().get(0).key()))
            .device(new DeleteDevice(s.devices().get(0).id(), s.devices().get(0).revision()))
            .user(new ChangeSet.DeleteUser(s.users().get(0).id(), s.users().get(0).revision()))
            .removeDomain("other.org")
            .build());
    assertThat(store.domains().list()).extracting(Domain::name).containsExactly("example.com");
    assertThat(store.credentials().history(new LineKey("other.org", "7")))
        .extracting(HistoryEntry::change)
        .containsExactly("created", "deleted");
  }

  @Test
  void exportDecryptsEveryLineInOrder() {
    addPhone("example.com", "1002", "001565aabbc2", "two");
    addPhone("example.com", "1001", "001565aabbc1", "one");
    addPhone("other.org", "7", "001565aabbc3", "seven");
    assertThat(store.provisioning().export(Scope.all()))
        .extracting(e -> e.authUser() + "@" + e.domain() + "=" + e.secret())
        .containsExactly("1001@example.com=one", "1002@example.com=two", "7@other.org=seven");
    assertThat(store.provisioning().export(new Scope(null, Set.of(), Set.of("001565aabbc3"))))
        .extracting(e -> e.authUser())
        .containsExactly("7");
    assertThat(store.provisioning().export(Scope.domain("other.org")).get(0))
        .satisfies(
            e -> {
              assertThat(e.extension()).isEqualTo("7");
              assertThat(e.model()).isEqualTo("Yealink T54W");
              assertThat(e.toString()).doesNotContain("seven");
            });
  }

  @Test
  void tokensAreStoredHashedAndCanBeRevoked() {
    String token = store.tokens().create("ops", ALICE);
    assertThat(store.tokens().list())
        .singleElement()
        .satisfies(t -> assertThat(t.lastUsedAt()).isNull());
    assertThat(token).startsWith("evt_").hasSizeGreaterThan(40);
    assertThat(store.tokens().verify(token)).contains("ops");
    assertThat(store.tokens().verify(token + "x")).isEmpty();
    assertThat(store.tokens().verify("Bearer nonsense")).isEmpty();
    assertThat(store.tokens().list())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.name()).isEqualTo("ops");
              assertThat(t.createdBy()).isEqualTo("cli:alice");
              assertThat(t.lastUsedAt()).isNotNull();
            });
    assertThatThrownBy(() -> store.tokens().create("ops", ALICE))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store.tokens().create("no spaces", ALICE))
        .isInstanceOf(ValidationException.class);
    store.tokens().revoke("ops", ALICE);
    assertThat(store.tokens().verify(token)).isEmpty();
    assertThatThrownBy(() -> store.tokens().revoke("ops", ALICE))
        .isInstanceOf(NotFoundException.class);
    assertThat(store.audit().list(null, null, 10))
        .extracting(AuditEvent::action)
        .startsWith("token.revoke", "token.create");
  }

  @Test
  void reopeningKeepsEverything() {
    addPhone("example.com", "1001", "001565aabbcc", "pw");
    store.close();
    store = JdbcStore.open(config, clock);
    assertThat(secret("example.com", "1001")).isEqualTo("pw");
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
