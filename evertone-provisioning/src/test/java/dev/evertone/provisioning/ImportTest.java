package dev.evertone.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.provisioning.template.Format;
import dev.evertone.provisioning.template.RowError;
import dev.evertone.provisioning.template.TemplateException;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.testing.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Imports of the device template, on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Kind.class)
class ImportTest {
  static final String HEADER =
      "action,domain,extension,display_name,mac,model,description,line,auth_user,secret\n";

  final Kind kind;
  @TempDir Path dir;
  Fixture f;

  ImportTest(Kind kind) {
    this.kind = kind;
  }

  @BeforeEach
  void open() {
    f = new Fixture(kind, dir);
    f.service.addDomain("example.com");
    f.service.addDomain("other.org");
  }

  @AfterEach
  void close() {
    f.close();
  }

  /** 20 lines 1000..1019 of example.com, one per desk phone, secrets pw-1000 ... */
  private void twentyPhones() {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 20; i++) {
      csv.append(
          String.format(
              ",example.com,%d,User %d,00:15:65:00:00:%02x,Yealink T54W,,1,%d,pw-%d%n",
              1000 + i, i, i, 1000 + i, 1000 + i));
    }
    assertThat(f.importCsv(csv.toString()).summary().created()).isEqualTo(20);
  }

  private static List<String> errors(Runnable r) {
    try {
      r.run();
    } catch (TemplateException e) {
      return e.errors().stream().map(RowError::toString).toList();
    }
    throw new AssertionError("no TemplateException");
  }

  @Test
  void anImportCreatesUsersDevicesAndLines() {
    PlanResult r =
        f.importCsv(
            HEADER
                + ",example.com,1001,Front desk,00:15:65:aa:bb:cc,Yealink T54W,Reception,1,1001,s3cret\n"
                + ",example.com,1001,,00:15:65:AA:BB:CC,,,2,1001b,\n"
                + "upsert,example.com,1002,Back office,,,,,1002-soft,\"with,comma\"\n");
    assertThat(r.applied()).isTrue();
    assertThat(r.batchId()).startsWith("import-");
    assertThat(r.summary().created()).isEqualTo(3);
    assertThat(r.generatedSecrets())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.authUser()).isEqualTo("1001b");
              assertThat(g.secret()).hasSize(20);
              assertThat(f.secret("example.com", "1001b")).isEqualTo(g.secret());
            });
    assertThat(f.secret("example.com", "1001")).isEqualTo("s3cret");
    assertThat(f.secret("example.com", "1002-soft")).isEqualTo("with,comma");
    List<DeviceInfo> devices = f.service.devices("example.com", null, null);
    assertThat(devices).hasSize(2);
    DeviceInfo desk = f.service.devices("example.com", "001565aabbcc", null).get(0);
    assertThat(desk.mac()).isEqualTo("00:15:65:aa:bb:cc");
    assertThat(desk.model()).isEqualTo("Yealink T54W");
    assertThat(desk.description()).isEqualTo("Reception");
    assertThat(desk.extension()).isEqualTo("1001");
    assertThat(desk.displayName()).isEqualTo("Front desk");
    assertThat(desk.lines()).extracting(LineInfo::authUser).containsExactly("1001", "1001b");
    assertThat(f.service.devices("example.com", null, "1002-soft").get(0).mac()).isNull();
    assertThat(f.service.users("example.com"))
        .extracting(u -> u.extension() + ":" + u.displayName() + ":" + u.devices())
        .containsExactly("1001:Front desk:1", "1002:Back office:1");
    assertThat(f.store.audit().list(r.batchId(), null, 10))
        .extracting(AuditEvent::action)
        .containsExactly("import.apply");
    assertThat(f.store.credentials().history(new LineKey("example.com", "1001")))
        .singleElement()
        .satisfies(h -> assertThat(h.batchId()).isEqualTo(r.batchId()));
  }

  @Test
  void importingTheSameFileAgainChangesNothing() {
    twentyPhones();
    Map<LineKey, Line> before = f.lines();
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 20; i++) {
      csv.append(
          String.format(
              ",example.com,%d,User %d,00:15:65:00:00:%02x,Yealink T54W,,1,%d,pw-%d%n",
              1000 + i, i, i, 1000 + i, 1000 + i));
    }
    PlanResult again = f.importCsv(csv.toString());
    assertThat(again.summary().unchanged()).isEqualTo(20);
    assertThat(again.summary().credentialChanges()).isZero();
    assertThat(f.lines()).isEqualTo(before);
    // an empty secret keeps the stored one
    assertThat(f.importCsv(HEADER + ",example.com,,,,,,,1005,\n").summary().unchanged())
        .isEqualTo(1);
    assertThat(f.secret("example.com", "1005")).isEqualTo("pw-1005");
  }

  @Test
  void aDryRunShowsThePlanAndWritesNothing() {
    twentyPhones();
    Map<LineKey, Line> before = f.lines();
    int audited = f.store.audit().list(null, null, 100).size();
    PlanResult plan =
        f.importCsv(
            HEADER
                + ",example.com,,,,Yealink T46U,,,1003,new-secret\n"
                + "delete,example.com,,,,,,,1004,\n"
                + ",example.com,2000,New person,,,,,2000,\n"
                + ",example.com,,,,,,,1005,pw-1005\n",
            true,
            false);
    assertThat(plan.applied()).isFalse();
    assertThat(plan.batchId()).isNull();
    assertThat(plan.generatedSecrets()).isEmpty();
    assertThat(plan.summary())
        .satisfies(
            s -> {
              assertThat(s.created()).isEqualTo(1);
              assertThat(s.updated()).isEqualTo(1);
              assertThat(s.deleted()).isEqualTo(1);
              assertThat(s.unchanged()).isEqualTo(1);
              assertThat(s.credentialChanges()).isEqualTo(2);
            });
    PlanItem update = plan.items().get(0);
    assertThat(update.action()).isEqualTo("update");
    assertThat(update.key()).isEqualTo("1003@example.com");
    assertThat(update.changes())
        .extracting(c -> c.field() + ":" + c.from() + "->" + c.to())
        .containsExactly("model:Yealink T54W->Yealink T46U", "secret:(changed)->(changed)");
    assertThat(plan.items())
        .anySatisfy(
            i -> {
              assertThat(i.entity()).isEqualTo("device");
              assertThat(i.action()).isEqualTo("delete");
              assertThat(i.key()).isEqualTo("00:15:65:00:00:04");
            });
    assertThat(plan.toString()).doesNotContain("new-secret");
    assertThat(f.lines()).isEqualTo(before);
    assertThat(f.store.audit().list(null, null, 100)).hasSize(audited);
  }

  @Test
  void oneBadRowAmongAHundredThousandChangesNothingAndIsNamed() {
    twentyPhones();
    Map<LineKey, Line> before = f.lines();
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 100_000; i++) {
      String mac = i == 73_456 ? "00:15:65:zz:00:00" : String.format("02%010x", i);
      csv.append(",example.com,")
          .append(5000 + i)
          .append(",,")
          .append(mac)
          .append(",,,1,")
          .append(5000 + i)
          .append(",pw\n");
    }
    assertThat(errors(() -> f.importCsv(csv.toString())))
        .containsExactly(
            "line 73458 (row 73457), column mac: '00:15:65:zz:00:00' is not a MAC address; write 12 hex digits, e.g. 00:15:65:aa:bb:cc");
    assertThat(f.lines()).isEqualTo(before);
  }

  @Test
  void aSecretFullOfQuotesAndSemicolonsChangesExactlyThatDevice() {
    twentyPhones();
    Map<LineKey, Line> before = f.lines();
    String hostile = "x'; UPDATE device_line SET secret='pwned' WHERE '1'='1\";--\\%;/* */";
    PlanResult r =
        f.importCsv(HEADER + ",example.com,,,,,,,1017,\"" + hostile.replace("\"", "\"\"") + "\"\n");
    assertThat(r.summary().updated()).isEqualTo(1);
    assertThat(f.secret("example.com", "1017")).isEqualTo(hostile);
    Map<LineKey, Line> after = f.lines();
    before.forEach(
        (k, l) -> {
          if (!k.authUser().equals("1017")) {
            assertThat(after.get(k)).as(k.toString()).isEqualTo(l);
            assertThat(f.secret(k.domain(), k.authUser())).isEqualTo("pw-" + k.authUser());
          }
        });
  }

  @Test
  void everyErrorOfAFileIsReportedWithLineRowAndColumn() {
    assertThat(
            errors(
                () -> f.importCsv("domain,auth_user,colour,Auth User\nexample.com,1001,red,x\n")))
        .containsExactly(
            "line 1, column colour: unknown column 'colour'; the template's columns are "
                + "action,domain,extension,display_name,mac,model,description,line,auth_user,secret",
            "line 1, column Auth User: column auth_user appears twice");
    assertThat(
            errors(
                () ->
                    f.importCsv(
                        HEADER
                            + "frobnicate,example.com,,,,,,,1001,pw\n"
                            + ",nowhere.net,,,,,,,1001,pw\n"
                            + ",example.com,,,,,,0,1002,pw\n"
                            + ",example.com,,Alice,,,,,1003,pw\n"
                            + ",example.com,,,,,,,bad user,pw\n"
                            + ",example.com,,,,,,,1004,pw\n"
                            + ",example.com,,,,,,,1004,pw2\n"
                            + ",example.com,,,,,,\n"
                            + ",example.com,,,,,,,1005,\"a\u0000b\"\n"
                            + ",,1006,,,,,,,\n")))
        .containsExactly(
            "line 2 (row 1), column action: 'frobnicate' is not an action; use upsert (or leave it empty) or delete",
            "line 3 (row 2), column domain: domain nowhere.net does not exist; add it first ('evertone domain add nowhere.net'), "
                + "or import with --create-domains",
            "line 4 (row 3), column line: must be between 1 and 64, got 0",
            "line 5 (row 4), column display_name: a display name belongs to a user: give the extension too",
            "line 6 (row 5), column auth_user: contains ' '; use letters, digits and - . _ ~ ! * ' ( ) + = $ , &",
            "line 8 (row 7), column auth_user: 1004@example.com is also in row 6 (line 7); name each line once",
            "line 9 (row 8): the row has 8 fields, the header has 10",
            "line 10 (row 9), column secret: contains a NUL character",
            "line 11 (row 10), column domain: missing; every row names its domain");
  }

  @Test
  void encodingAndQuotingErrorsNameTheLine() {
    byte[] latin1 =
        (HEADER + ",example.com,,,,,,,1001,pw\n,example.com,,Zo\u00eb,,,,,1002,pw\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(
            () ->
                f.service.importFile(
                    latin1, new ImportOptions(Format.CSV, "x.csv", false, false, false)))
        .isInstanceOfSatisfying(
            TemplateException.class,
            e ->
                assertThat(e.errors())
                    .extracting(RowError::toString)
                    .containsExactly(
                        "line 3: not valid UTF-8 (byte 0xeb at byte 17 of the line); save the file as UTF-8"));
    assertThat(
            errors(
                () ->
                    f.importCsv(
                        HEADER
                            + ",example.com,,,,,,,1001,\"unterminated\n,example.com,,,,,,,1002,pw\n")))
        .singleElement()
        .satisfies(e -> assertThat(e).startsWith("line 2: the CSV quoting is broken"));
    assertThat(errors(() -> f.importCsv("")))
        .containsExactly(
            "line 1: the file is empty; it needs a header row: action,domain,extension,display_name,mac,model,description,line,auth_user,secret");
    assertThat(errors(() -> f.importCsv(HEADER))).containsExactly("the file has no rows");
    byte[] utf16 = new byte[] {(byte) 0xFF, (byte) 0xFE, 'd', 0};
    assertThatThrownBy(
            () ->
                f.service.importFile(
                    utf16, new ImportOptions(Format.CSV, null, false, false, false)))
        .hasMessageContaining("the file is UTF-16; save it as UTF-8");
    // a byte order mark, as spreadsheets write it, is fine
    byte[] bom =
        ("\uFEFF" + HEADER + ",example.com,,,,,,,1001,pw\n").getBytes(StandardCharsets.UTF_8);
    assertThat(
            f.service
                .importFile(bom, new ImportOptions(null, "x.csv", false, false, false))
                .summary()
                .created())
        .isEqualTo(1);
  }

  @Test
  void rowsThatContradictEachOtherOrTheStoreAreErrors() {
    twentyPhones();
    f.importCsv(HEADER + ",other.org,7,,00:15:65:99:99:99,,,1,7,pw\n");
    assertThat(
            errors(
                () ->
                    f.importCsv(
                        HEADER
                            + ",example.com,,,00:15:65:99:99:99,,,,3000,pw\n"
                            + ",example.com,,,00:15:65:77:77:77,Model A,,,3001,pw\n"
                            + ",example.com,,,00:15:65:77:77:77,Model B,,,3002,pw\n"
                            + ",example.com,,,00:15:65:00:00:01,,,1,3003,pw\n"
                            + "delete,example.com,,,,,,,9999,\n"
                            + "delete,example.com,1001,,,,,,,\n")))
        .containsExactly(
            "line 2 (row 1), column mac: device 00:15:65:99:99:99 belongs to domain other.org; remove it there first",
            "line 4 (row 3), column model: 'Model B' differs from 'Model A' given for device 00:15:65:77:77:77 in row 2 (line 3)",
            "line 6 (row 5), column auth_user: there is no line 9999@example.com to delete");
    assertThat(errors(() -> f.importCsv(HEADER + ",example.com,,,00:15:65:00:00:01,,,1,3003,pw\n")))
        .containsExactly(
            "line 2 (row 1), column line: line 1 of device 00:15:65:00:00:01 is taken by 1001@example.com");
    assertThat(errors(() -> f.importCsv(HEADER + "delete,example.com,1001,,,,,,,\n")))
        .containsExactly(
            "line 2 (row 1), column extension: user 1001@example.com still owns device 00:15:65:00:00:01; delete the device or give it "
                + "another owner first");
  }

  @Test
  void linesMoveBetweenDevicesAndTakeTheFirstFreeNumber() {
    twentyPhones();
    PlanResult r =
        f.importCsv(
            HEADER
                + ",example.com,,,00:15:65:00:00:01,,,,1002,\n"
                + ",example.com,,,00:15:65:00:00:01,,,,1003,\n");
    assertThat(r.summary().updated()).isEqualTo(2);
    assertThat(r.summary().credentialChanges()).isZero();
    DeviceInfo d = f.service.devices("example.com", "00:15:65:00:00:01", null).get(0);
    assertThat(d.lines())
        .extracting(l -> l.line() + ":" + l.authUser())
        .containsExactly("1:1001", "2:1002", "3:1003");
    // the phones 1002 and 1003 were on have no line left and went with the plan
    assertThat(f.service.devices("example.com", "00:15:65:00:00:02", null)).isEmpty();
    assertThat(r.items())
        .filteredOn(i -> i.entity().equals("device"))
        .extracting(PlanItem::key)
        .containsExactly("00:15:65:00:00:02", "00:15:65:00:00:03");
    assertThat(f.secret("example.com", "1002")).isEqualTo("pw-1002");
  }

  @Test
  void deleteRowsRemoveLinesTheirEmptyDevicesAndUsers() {
    twentyPhones();
    f.service.addUser("example.com", "3000", "Nobody");
    PlanResult r =
        f.importCsv(HEADER + "delete,example.com,,,,,,,1001,\ndelete,example.com,3000,,,,,,,\n");
    assertThat(r.summary().deleted()).isEqualTo(2);
    assertThat(f.store.credentials().lookup("example.com", "1001", false)).isEmpty();
    assertThat(f.service.devices("example.com", "00:15:65:00:00:01", null)).isEmpty();
    assertThat(f.service.users("example.com"))
        .extracting(UserInfo::extension)
        .doesNotContain("3000")
        .contains("1001");
    assertThat(f.store.credentials().history(new LineKey("example.com", "1001")))
        .extracting(HistoryEntry::change)
        .containsExactly("created", "deleted");
  }

  @Test
  void theGuardRefusesLargeChangesUnlessConfirmed() {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 100; i++) {
      csv.append(",example.com,,,,,,,").append(i).append(",pw").append(i).append('\n');
    }
    f.importCsv(csv.toString()); // creating lines changes no existing credential
    StringBuilder ten = new StringBuilder(HEADER);
    for (int i = 0; i < 10; i++) {
      ten.append(",example.com,,,,,,,").append(i).append(",new").append(i).append('\n');
    }
    assertThat(f.importCsv(ten.toString()).applied())
        .isTrue(); // 10 is a small change, whatever the share
    Map<LineKey, Line> before = f.lines();
    String eleven = ten + ",example.com,,,,,,,10,new10\n";
    assertThatThrownBy(() -> f.importCsv(eleven.replace("new", "newer")))
        .isInstanceOfSatisfying(
            LargeChangeException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo(
                      "this import changes, deletes or restores the credentials of 11 lines of example.com, which has 100 "
                          + "(11.0%, limit 10%). Nothing was written. Check the plan (dry run); if it is intended, run it again with --confirm-large "
                          + "(API: confirm_large=true).");
              assertThat(e.plan().guard().domains())
                  .singleElement()
                  .satisfies(
                      d -> {
                        assertThat(d.lines()).isEqualTo(100);
                        assertThat(d.credentialChanges()).isEqualTo(11);
                        assertThat(d.percent()).isEqualTo(11.0);
                      });
              assertThat(e.plan().summary().updated()).isEqualTo(11);
            });
    assertThat(f.lines()).isEqualTo(before);
    PlanResult confirmed = f.importCsv(eleven.replace("new", "newer"), false, true);
    assertThat(confirmed.applied()).isTrue();
    assertThat(confirmed.guard().large()).isTrue();
    assertThat(confirmed.guard().confirmed()).isTrue();
    assertThat(f.secret("example.com", "10")).isEqualTo("newer10");
    assertThat(f.store.audit().list(confirmed.batchId(), null, 1).get(0).detail())
        .endsWith("(large, confirmed)");
  }

  @Test
  void theGuardAlsoCountsDevicesInAll(@TempDir Path other) {
    try (Fixture small =
        new Fixture(
            kind,
            other,
            new ProvisioningConfig(
                new GuardLimits(100, 3, 0),
                dev.evertone.provisioning.template.TemplateLimits.DEFAULT))) {
      small.service.addDomain("example.com");
      small.importCsv(
          HEADER
              + ",example.com,,,,,,,1,a\n,example.com,,,,,,,2,b\n,example.com,,,,,,,3,c\n,example.com,,,,,,,4,d\n");
      assertThatThrownBy(
              () ->
                  small.importCsv(
                      HEADER
                          + "delete,example.com,,,,,,,1,\ndelete,example.com,,,,,,,2,\n"
                          + "delete,example.com,,,,,,,3,\ndelete,example.com,,,,,,,4,\n"))
          .isInstanceOf(LargeChangeException.class)
          .hasMessageContaining("4 lines in all (limit 3)");
    }
  }

  @Test
  void jsonTemplatesWorkLikeCsvAndNameTheirLines() {
    String json =
        "{\"rows\": [\n"
            + "  {\"domain\": \"example.com\", \"extension\": \"1001\", \"mac\": \"0015.65aa.bbcc\", \"line\": 2, \"auth_user\": \"1001\","
            + " \"secret\": \"q\\\"uote\\n\"},\n"
            + "  {\"domain\": \"example.com\", \"auth_user\": \"1002\", \"secret\": null}\n]}";
    PlanResult r =
        f.service.importFile(
            json.getBytes(StandardCharsets.UTF_8),
            new ImportOptions(null, "devices.json", false, false, false));
    assertThat(r.summary().created()).isEqualTo(2);
    assertThat(f.secret("example.com", "1001")).isEqualTo("q\"uote\n");
    assertThat(f.service.devices("example.com", "001565aabbcc", null).get(0).lines())
        .extracting(LineInfo::line)
        .containsExactly(2);
    String bad =
        "[\n {\"domain\": \"example.com\", \"auth_user\": \"1003\", \"colour\": \"red\"},\n"
            + " {\"domain\": \"example.com\", \"auth_user\": {\"x\": 1}},\n 42\n]";
    assertThatThrownBy(
            () ->
                f.service.importFile(
                    bad.getBytes(StandardCharsets.UTF_8),
                    new ImportOptions(Format.JSON, null, false, false, false)))
        .isInstanceOfSatisfying(
            TemplateException.class,
            e ->
                assertThat(e.errors())
                    .extracting(RowError::toString)
                    .containsExactly(
                        "line 2 (row 1), column colour: unknown column 'colour'; the template's columns are "
                            + "action,domain,extension,display_name,mac,model,description,line,auth_user,secret",
                        "line 3 (row 2), column auth_user: must be a string",
                        "line 4 (row 3): a row must be an object of column names to values"));
    assertThat(
            errors(
                () ->
                    f.service.importFile(
                        "[{\"domain\": ".getBytes(StandardCharsets.UTF_8),
                        new ImportOptions(Format.JSON, null, false, false, false))))
        .singleElement()
        .satisfies(e -> assertThat(e).startsWith("line 1 (row 1): not valid JSON"));
  }

  @Test
  void domainsAreCreatedOnlyWhenAsked() {
    String csv = HEADER + ",new.example,1,,,,,,1,pw\n";
    assertThat(errors(() -> f.importCsv(csv)))
        .singleElement()
        .satisfies(e -> assertThat(e).contains("domain new.example does not exist"));
    PlanResult r =
        f.service.importFile(
            csv.getBytes(StandardCharsets.UTF_8),
            new ImportOptions(Format.CSV, null, false, false, true));
    assertThat(r.createdDomains()).containsExactly("new.example");
    assertThat(f.secret("new.example", "1")).isEqualTo("pw");
    assertThat(f.store.audit().list(r.batchId(), null, 10))
        .extracting(AuditEvent::action)
        .contains("domain.add", "import.apply");
  }
}
