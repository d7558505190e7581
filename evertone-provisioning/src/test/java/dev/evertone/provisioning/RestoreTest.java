package dev.evertone.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.store.NotFoundException;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.testing.TestDatabases.Kind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Restores of credentials after a bad import, on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Kind.class)
class RestoreTest {
  static final String HEADER = ImportTest.HEADER;

  final Kind kind;
  @TempDir Path dir;
  Fixture f;
  Instant beforeBadImport;

  RestoreTest(Kind kind) {
    this.kind = kind;
  }

  @BeforeEach
  void open() {
    f = new Fixture(kind, dir);
    f.service.addDomain("example.com");
    f.service.addDomain("other.org");
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 30; i++) {
      csv.append(
          String.format(
              ",example.com,%d,User %d,00:15:65:00:00:%02x,Yealink T54W,,1,%d,good-%d%n",
              1000 + i, i, i, 1000 + i, 1000 + i));
    }
    csv.append(",other.org,7,,,,,,7,good-7\n");
    f.importCsv(csv.toString());
    f.clock.advance(3600);
    beforeBadImport = f.clock.tick();
    f.clock.advance(60);
  }

  @AfterEach
  void close() {
    f.close();
  }

  /** The Level365 import: one key everywhere, some devices deleted, one added. */
  private PlanResult badImport() {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 28; i++) {
      csv.append(",example.com,,,,,,,").append(1000 + i).append(",SAME-FOR-ALL\n");
    }
    csv.append("delete,example.com,,,,,,,1028,\ndelete,example.com,,,,,,,1029,\n");
    csv.append(",example.com,2000,,,,,,2000,new-one\n");
    return f.importCsv(csv.toString(), false, true);
  }

  private RestoreRequest undo(@Nullable String batch, boolean dryRun) {
    return new RestoreRequest(null, batch, null, List.of(), List.of(), dryRun, true);
  }

  private void assertAllGood() {
    for (int i = 0; i < 30; i++) {
      assertThat(f.secret("example.com", String.valueOf(1000 + i))).isEqualTo("good-" + (1000 + i));
    }
    assertThat(f.secret("other.org", "7")).isEqualTo("good-7");
  }

  @Test
  void undoingTheBadImportBringsEveryPreviousSecretBack() {
    PlanResult bad = badImport();
    assertThat(f.secret("example.com", "1003")).isEqualTo("SAME-FOR-ALL");
    f.clock.advance(600);
    PlanResult plan = f.service.restore(undo(bad.batchId(), true));
    assertThat(plan.applied()).isFalse();
    assertThat(plan.summary())
        .satisfies(
            s -> {
              assertThat(s.restored()).isEqualTo(28);
              assertThat(s.recreated()).isEqualTo(2);
              assertThat(s.deleted()).isEqualTo(1);
              assertThat(s.skipped()).isZero();
            });
    assertThat(f.secret("example.com", "1003")).isEqualTo("SAME-FOR-ALL");

    PlanResult done = f.service.restore(undo(bad.batchId(), false));
    assertThat(done.applied()).isTrue();
    assertThat(done.batchId()).startsWith("restore-");
    assertAllGood();
    assertThat(f.store.credentials().lookup("example.com", "2000", false)).isEmpty();
    // the recreated lines are back on their phones, with their owners
    DeviceInfo phone = f.service.devices("example.com", "00:15:65:00:00:1c", null).get(0);
    assertThat(phone.lines()).extracting(LineInfo::authUser).containsExactly("1028");
    assertThat(phone.extension()).isEqualTo("1028");
    assertThat(phone.model()).isEqualTo("Yealink T54W");
    assertThat(f.store.credentials().history(new LineKey("example.com", "1003")))
        .extracting(HistoryEntry::change)
        .containsExactly("created", "changed", "restored");
    // the audit log tells the whole story
    assertThat(f.store.audit().list(null, null, 10))
        .extracting(e -> e.action() + " " + e.target())
        .startsWith("credentials.restore " + bad.batchId(), "import.apply devices.csv");
    AuditEvent restore = f.store.audit().list(done.batchId(), null, 1).get(0);
    assertThat(restore.actor()).isEqualTo("token:admin");
    assertThat(restore.detail())
        .isEqualTo(
            "undoing batch "
                + bad.batchId()
                + ": 28 restored, 2 recreated, 1 deleted, 0 unchanged, 0 kept, "
                + "0 skipped");
  }

  @Test
  void restoringToAMomentKeepsLinesCreatedSince() {
    badImport();
    PlanResult done =
        f.service.restore(
            new RestoreRequest(beforeBadImport, null, null, List.of(), List.of(), false, true));
    assertAllGood();
    assertThat(done.summary().kept()).isEqualTo(1);
    assertThat(f.secret("example.com", "2000")).isEqualTo("new-one");
    assertThat(done.items())
        .filteredOn(i -> i.action().equals("keep"))
        .singleElement()
        .satisfies(i -> assertThat(i.note()).startsWith("did not exist at " + beforeBadImport));
  }

  @Test
  void undoingABatchLeavesLinesChangedSinceAlone() {
    PlanResult bad = badImport();
    f.clock.advance(60);
    f.service.setSecret("example.com", "1005", "fixed-by-hand");
    PlanResult done = f.service.restore(undo(bad.batchId(), false));
    assertThat(done.summary().skipped()).isEqualTo(1);
    assertThat(f.secret("example.com", "1005")).isEqualTo("fixed-by-hand");
    assertThat(f.secret("example.com", "1006")).isEqualTo("good-1006");
    assertThat(done.items())
        .filteredOn(i -> i.action().equals("skip"))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.key()).isEqualTo("1005@example.com");
              assertThat(i.note()).startsWith("changed again after the batch, by token:admin at ");
            });
  }

  @Test
  void aRestoreCanBeUndoneLikeAnImport() {
    PlanResult bad = badImport();
    PlanResult restore = f.service.restore(undo(bad.batchId(), false));
    f.clock.advance(60);
    f.service.restore(undo(restore.batchId(), false));
    assertThat(f.secret("example.com", "1003")).isEqualTo("SAME-FOR-ALL");
  }

  @Test
  void aRestoreCoversOneDomainOrTheNamedLinesAndDevices() {
    f.importCsv(
        HEADER
            + ",example.com,,,,,,,1001,bad\n,example.com,,,,,,,1002,bad\n,example.com,,,,,,,1003,bad\n,other.org,,,,,,,7,bad\n");
    PlanResult lines =
        f.service.restore(
            new RestoreRequest(
                beforeBadImport,
                null,
                null,
                List.of("1001@example.com"),
                List.of("00:15:65:00:00:02"),
                false,
                false));
    assertThat(lines.summary().restored()).isEqualTo(2);
    assertThat(f.secret("example.com", "1001")).isEqualTo("good-1001");
    assertThat(f.secret("example.com", "1002")).isEqualTo("good-1002");
    assertThat(f.secret("example.com", "1003")).isEqualTo("bad");
    PlanResult domain =
        f.service.restore(
            new RestoreRequest(
                beforeBadImport, null, "other.org", List.of(), List.of(), false, false));
    assertThat(domain.summary().restored()).isEqualTo(1);
    assertThat(f.secret("other.org", "7")).isEqualTo("good-7");
    assertThat(f.secret("example.com", "1003")).isEqualTo("bad");
  }

  @Test
  void aLargeRestoreNeedsConfirmationToo() {
    PlanResult bad = badImport();
    assertThatThrownBy(
            () ->
                f.service.restore(
                    new RestoreRequest(
                        null, bad.batchId(), null, List.of(), List.of(), false, false)))
        .isInstanceOf(LargeChangeException.class)
        .hasMessageStartingWith(
            "this restore changes, deletes or restores the credentials of 31 "
                + "lines of example.com, which has 29 (106.9%, limit 10%)");
    assertThat(f.secret("example.com", "1003")).isEqualTo("SAME-FOR-ALL");
  }

  @Test
  void badRequestsAreRefusedClearly() {
    assertThatThrownBy(
            () ->
                f.service.restore(
                    new RestoreRequest(null, null, null, List.of(), List.of(), true, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("either a time (--at) or a batch (--batch)");
    assertThatThrownBy(
            () ->
                f.service.restore(
                    new RestoreRequest(
                        Instant.now(), "x", null, List.of(), List.of(), true, false)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.service.restore(undo("import-nope", true)))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("there is no batch import-nope");
    assertThatThrownBy(
            () ->
                f.service.restore(
                    new RestoreRequest(
                        Instant.now(), null, null, List.of("1001"), List.of(), true, false)))
        .hasMessageContaining("write AUTH_USER@DOMAIN");
    assertThatThrownBy(
            () ->
                f.service.restore(
                    new RestoreRequest(
                        Instant.now(), null, "nowhere.net", List.of(), List.of(), true, false)))
        .isInstanceOf(NotFoundException.class);
  }
}
