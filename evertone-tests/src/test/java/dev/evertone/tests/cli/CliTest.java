package dev.evertone.tests.cli;

import static dev.evertone.tests.support.Cli.HEADER;
import static dev.evertone.tests.support.Cli.execute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.jdbc.StoreConfig;
import dev.evertone.tests.support.Cli.Result;
import dev.evertone.tests.support.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user types it, run in-process against a real store. */
class CliTest {
  @TempDir Path dir;

  private Result runWithInput(String stdin, String... args) {
    return execute(Map.of("EVERTONE_DATA_DIR", dir.toString(), "USER", "alice"), stdin, args);
  }

  private Result run(String... args) {
    return runWithInput("", args);
  }

  private String secretOf(String user) {
    try (JdbcStore store = JdbcStore.open(new StoreConfig(null, dir, null, 1), Clock.systemUTC())) {
      return store.credentials().lookup("example.com", user, false).orElseThrow().secret();
    }
  }

  private Path file(String name, String content) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void aMistypedOptionIsNamedWithWhatWasMeantNotBuriedInUsage() {
    Result r = run("device", "add", "--domain", "example.com", "--user", "1001", "--pasword", "x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("error: unknown option --pasword; did you mean --password")
        .contains("see 'evertone device add --help'");
    assertThat(r.err().lines().count()).as(r.err()).isLessThanOrEqualTo(3);
  }

  @Test
  void aMissingFileSaysNoSuchFile() {
    Result r = run("import", "/nonexistent/devices.csv");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: no such file: /nonexistent/devices.csv\n");
  }

  @Test
  void domainLifecycle() {
    assertThat(run("domain", "list").out()).contains("no domains yet");
    assertThat(run("domain", "add", "Example.COM").out()).isEqualTo("added domain example.com\n");
    Result dup = run("domain", "add", "example.com");
    assertThat(dup.code()).isEqualTo(1);
    assertThat(dup.err()).isEqualTo("error: domain example.com already exists\n");
    assertThat(run("domain", "list").out()).contains("DOMAIN").contains("example.com");
    assertThat(run("domain", "add", "bad domain").err()).startsWith("error: domain:");
    assertThat(run("domain", "remove", "example.com").out())
        .isEqualTo("removed domain example.com\n");
    assertThat(run("domain", "remove", "example.com").err()).contains("does not exist");
  }

  @Test
  void devicesWithGivenStdinAndGeneratedPasswords() {
    run("domain", "add", "example.com");
    Result given =
        run(
            "device",
            "add",
            "--domain",
            "example.com",
            "--user",
            "1001",
            "--password",
            "s3cret;'\"",
            "--display-name",
            "Front desk",
            "--mac",
            "00:15:65:aa:bb:cc",
            "--model",
            "Yealink T54W");
    assertThat(given.code()).as(given.err()).isZero();
    assertThat(given.out())
        .startsWith("added device 1 (00:15:65:aa:bb:cc) with line 1001@example.com\n")
        .doesNotContain("s3cret");
    assertThat(secretOf("1001")).isEqualTo("s3cret;'\"");

    Result stdin =
        runWithInput(
            "from-stdin\n",
            "device",
            "add",
            "--domain",
            "example.com",
            "--user",
            "1002",
            "--password-stdin");
    assertThat(stdin.code()).isZero();
    assertThat(secretOf("1002")).isEqualTo("from-stdin");

    Result generated = run("device", "add", "--domain", "example.com", "--user", "1003");
    Matcher m = Pattern.compile("password of 1003@example.com: (\\S+) ").matcher(generated.out());
    assertThat(m.find()).as(generated.out()).isTrue();
    assertThat(m.group(1)).hasSize(20);
    assertThat(secretOf("1003")).isEqualTo(m.group(1));

    Result list = run("device", "list", "--domain", "example.com");
    assertThat(list.out())
        .contains("00:15:65:aa:bb:cc", "Yealink T54W", "Front desk", "1002", "1003")
        .doesNotContain("s3cret")
        .doesNotContain(m.group(1));
    assertThat(run("device", "show", "--domain", "example.com", "--mac", "001565AABBCC").out())
        .contains("owner:        1001 (Front desk)")
        .contains("line 1:       sip:1001@example.com");
    assertThat(run("device", "list", "--domain", "example.com", "--json").out())
        .contains("\"auth_user\" : \"1003\"");

    Result changed =
        run("device", "set-password", "--domain", "example.com", "--user", "1001", "-p", "new-one");
    assertThat(changed.out()).isEqualTo("changed the password of 1001@example.com\n");
    assertThat(secretOf("1001")).isEqualTo("new-one");
    assertThat(
            run(
                    "device",
                    "set",
                    "--domain",
                    "example.com",
                    "--user",
                    "1001",
                    "--model",
                    "Yealink T46U")
                .out())
        .isEqualTo("changed device 1 (00:15:65:aa:bb:cc)\n");

    assertThat(
            run(
                    "line",
                    "add",
                    "--domain",
                    "example.com",
                    "--mac",
                    "00:15:65:aa:bb:cc",
                    "--user",
                    "1001b",
                    "-p",
                    "two")
                .out())
        .startsWith("added line 2 (1001b@example.com) to device 1");
    assertThat(run("line", "remove", "--domain", "example.com", "--user", "1001b").out())
        .isEqualTo("removed line 1001b@example.com\n");
    assertThat(run("device", "remove", "--domain", "example.com", "--user", "1002").out())
        .isEqualTo("removed device 2 and its lines 1002\n");
    assertThat(run("device", "list", "--domain", "example.com").out()).doesNotContain("1002 ");
    assertThat(run("domain", "remove", "example.com").err())
        .contains("still has 2 devices and 3 users");
    assertThat(run("domain", "remove", "example.com", "--with-devices").out())
        .contains("and its 2 devices");
  }

  @Test
  void deviceErrorsAreClearAndExitOne() {
    Result noDomain = run("device", "add", "--domain", "nowhere.test", "--user", "1001", "-p", "x");
    assertThat(noDomain.code()).isEqualTo(1);
    assertThat(noDomain.err()).contains("evertone domain add nowhere.test");
    run("domain", "add", "example.com");
    assertThat(run("device", "add", "--domain", "example.com", "--user", "10 01", "-p", "x").err())
        .startsWith("error: auth_user:");
    assertThat(
            runWithInput(
                    "",
                    "device",
                    "add",
                    "--domain",
                    "example.com",
                    "--user",
                    "1001",
                    "--password-stdin")
                .err())
        .contains("standard input holds no password");
    Result both =
        run(
            "device",
            "add",
            "--domain",
            "example.com",
            "--user",
            "1001",
            "-p",
            "x",
            "--password-stdin");
    assertThat(both.code()).isEqualTo(2); // usage error
    assertThat(both.err()).contains("mutually exclusive");
    assertThat(run("device", "add", "--domain", "example.com").err())
        .contains("Missing required option: '--user=AUTH_USER'");
    assertThat(
            run("device", "remove", "--domain", "example.com", "--mac", "00:15:65:00:00:01").err())
        .isEqualTo("error: no device with MAC 00:15:65:00:00:01 in example.com\n");
  }

  @Test
  void usersAreManaged() {
    run("domain", "add", "example.com");
    assertThat(
            run("user", "add", "--domain", "example.com", "-e", "3000", "--display-name", "Alice")
                .out())
        .isEqualTo("added user 3000@example.com\n");
    assertThat(
            run(
                    "user",
                    "set",
                    "--domain",
                    "example.com",
                    "-e",
                    "3000",
                    "--display-name",
                    "Alice B.")
                .out())
        .contains("'Alice B.'");
    assertThat(run("user", "list", "--domain", "example.com").out()).contains("3000", "Alice B.");
    assertThat(run("user", "remove", "--domain", "example.com", "-e", "3000").out())
        .isEqualTo("removed user 3000@example.com\n");
    assertThat(run("user", "list", "--domain", "example.com").out())
        .contains("no users in example.com");
  }

  @Test
  void importsAreCheckedPlannedGuardedAndUndoable() throws Exception {
    run("domain", "add", "example.com");
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 0; i < 40; i++) {
      csv.append(",example.com,")
          .append(1000 + i)
          .append(",,,,,,")
          .append(1000 + i)
          .append(',')
          .append(i < 39 ? "pw" + i : "")
          .append('\n');
    }
    Result first =
        run(
            "import",
            file("devices.csv", csv.toString()).toString(),
            "--secrets-out",
            dir.resolve("new.csv").toString());
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.err())
        .contains("importing ")
        .contains("read 40 rows")
        .contains("applied as batch import-");
    assertThat(first.out())
        .contains("plan: 40 rows: 40 to create")
        .contains("... and 20 more to create")
        .contains("1 generated password written to " + dir.resolve("new.csv"));
    assertThat(Files.readString(dir.resolve("new.csv")))
        .startsWith("domain,auth_user,secret\nexample.com,1039,");
    assertThat(Files.getPosixFilePermissions(dir.resolve("new.csv")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    Result bad =
        run(
            "import",
            file(
                    "bad.csv",
                    HEADER + ",example.com,,,zz,,,,1001,x\n,example.com,,,,,,,1002,\"a\u0000b\"\n")
                .toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err())
        .contains("error: the file has 2 errors; nothing was written")
        .contains("line 2 (row 1), column mac: 'zz' is not a MAC address")
        .contains("line 3 (row 2), column secret: contains a NUL");

    String everyone = csv.toString().replaceAll(",pw\\d+\n", ",SAME\n");
    Result refused = run("import", file("everyone.csv", everyone).toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.out())
        .contains("39 to update")
        .contains("  update    1005@example.com  (row 6): secret changed");
    assertThat(refused.err())
        .contains(
            "this import changes, deletes or restores the credentials of 39 lines of example.com, which has 40"
                + " (97.5%, limit 10%). Nothing was written.")
        .contains("--confirm-large");
    assertThat(secretOf("1005")).isEqualTo("pw5");

    Result dry =
        run("import", dir.resolve("everyone.csv").toString(), "--dry-run", "--confirm-large");
    assertThat(dry.out()).contains("dry run: nothing was written");
    assertThat(secretOf("1005")).isEqualTo("pw5");

    Result applied = run("import", dir.resolve("everyone.csv").toString(), "--confirm-large");
    assertThat(applied.code()).isZero();
    assertThat(secretOf("1005")).isEqualTo("SAME");
    Matcher batch =
        Pattern.compile("undo it with: evertone credentials restore --batch (\\S+)")
            .matcher(applied.out());
    assertThat(batch.find()).isTrue();

    Result undo = run("credentials", "restore", "--batch", batch.group(1), "--confirm-large");
    assertThat(undo.code()).as(undo.err()).isZero();
    assertThat(undo.out()).contains("39 to restore");
    assertThat(secretOf("1005")).isEqualTo("pw5");
    assertThat(run("credentials", "history", "--domain", "example.com", "--user", "1005").out())
        .contains("created", "changed", "restored", batch.group(1), "cli:alice");
    assertThat(run("audit", "--limit", "3").out())
        .contains("credentials.restore", "import.apply", "cli:alice", "local");
    assertThat(run("credentials", "restore", "--at", "-1h", "--dry-run").out())
        .contains("kept (newer than the restore point)");
    assertThat(run("credentials", "restore", "--at", "yesterday").err())
        .contains("'yesterday' is not a time");
  }

  @Test
  void undoingAnImportRemovesTheUsersAndDevicesItCreatedAndItsDryRunSaysSo() throws Exception {
    run("domain", "add", "example.com");
    run("device", "add", "--domain", "example.com", "--user", "1000", "--password", "keep-me");
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = 1; i <= 5; i++) {
      csv.append(",example.com,")
          .append(2000 + i)
          .append(",Agent ")
          .append(i)
          .append(",00:15:65:00:00:0")
          .append(i)
          .append(",T54W,,1,")
          .append(2000 + i)
          .append(",pw")
          .append(i)
          .append('\n');
    }
    Result imported = run("import", file("new.csv", csv.toString()).toString(), "--confirm-large");
    assertThat(imported.code()).as(imported.err()).isZero();
    Matcher batch =
        Pattern.compile("undo it with: evertone credentials restore --batch (\\S+)")
            .matcher(imported.out());
    assertThat(batch.find()).as(imported.out()).isTrue();
    assertThat(run("user", "list", "--domain", "example.com").out()).contains("2003", "Agent 3");
    // a number given to one of the new extensions since: that user is someone's work now
    assertThat(run("number", "set", "example.com", "+15550002004", "-e", "2004").code()).isZero();

    Result dry = run("credentials", "restore", "--batch", batch.group(1), "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("plan: 5 to delete")
        .contains("  delete    2003@example.com [created by the batch]")
        .contains(
            "  delete    user 2003@example.com [created by the batch; owns no device after it]")
        .contains("  delete    device 00:15:65:00:00:03 [no line is left on it]")
        .contains("example.com: 5 of 6 lines")
        .doesNotContain("user 2004@example.com")
        .contains("dry run: nothing was written");
    assertThat(dry.err()).contains("planned: 5 lines to delete");
    assertThat(run("user", "list", "--domain", "example.com").out()).contains("2003");

    Result undo = run("credentials", "restore", "--batch", batch.group(1), "--confirm-large");
    assertThat(undo.code()).as(undo.err()).isZero();
    assertThat(run("user", "list", "--domain", "example.com").out())
        .contains("1000", "2004")
        .doesNotContain("2003");
    assertThat(run("device", "list", "--domain", "example.com").out())
        .doesNotContain("00:15:65:00:00:03");
    // nothing the import made is left behind: once what was there before goes, so can the domain
    assertThat(run("device", "remove", "--domain", "example.com", "--user", "1000").code())
        .isZero();
    assertThat(run("user", "remove", "--domain", "example.com", "-e", "1000").code()).isZero();
    assertThat(run("number", "remove", "example.com", "+15550002004").code()).isZero();
    assertThat(run("user", "remove", "--domain", "example.com", "-e", "2004").code()).isZero();
    Result removed = run("domain", "remove", "example.com");
    assertThat(removed.code()).as(removed.err()).isZero();
  }

  @Test
  void anExportIsAnImportFile() throws Exception {
    run("domain", "add", "example.com");
    run(
        "import",
        file(
                "devices.csv",
                HEADER
                    + ",example.com,1001,\"Desk, main\",00:15:65:aa:bb:cc,T54W,,1,1001,\"p,w\"\"1\"\n")
            .toString());
    Result stdout = run("export");
    assertThat(stdout.out()).startsWith(HEADER.trim()).contains("\"p,w\"\"1\"");
    Path backup = dir.resolve("backup.json");
    assertThat(run("export", "-o", backup.toString()).err())
        .contains("passwords included; readable by you only");
    assertThat(Files.getPosixFilePermissions(backup))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    Path other = dir.resolve("other");
    Result restored =
        execute(
            Map.of("EVERTONE_DATA_DIR", other.toString()),
            "",
            "import",
            backup.toString(),
            "--create-domains");
    assertThat(restored.code()).as(restored.err()).isZero();
    assertThat(restored.out()).contains("domains created: example.com");
    try (JdbcStore store =
        JdbcStore.open(new StoreConfig(null, other, null, 1), Clock.systemUTC())) {
      assertThat(store.credentials().lookup("example.com", "1001", false).orElseThrow().secret())
          .isEqualTo("p,w\"1");
    }
    assertThat(run("template").out()).startsWith(HEADER.trim());
  }

  @Test
  void theTemplateAsPrintedImportsIntoItsDomain() throws Exception {
    run("domain", "add", "example.com");
    for (String format : List.of("csv", "json")) {
      Path file = dir.resolve("devices." + format);
      Files.writeString(file, run("template", "--format", format).out());
      Result imported = run("import", file.toString());
      assertThat(imported.code()).as(imported.err()).isZero();
    }
    assertThat(run("device", "list", "--domain", "example.com").out()).contains("1001b", "1002");
  }

  @Test
  void tokensAreShownOnceAndListedWithoutThemselves() {
    Result created = run("token", "create", "crm-sync");
    assertThat(created.out()).startsWith("created token crm-sync:\nevt_");
    String token = created.out().lines().skip(1).findFirst().orElseThrow();
    assertThat(run("token", "list").out())
        .contains("crm-sync", "cli:alice", "never")
        .doesNotContain(token);
    assertThat(run("token", "create", "crm-sync").err()).contains("already exists");
    assertThat(run("token", "revoke", "crm-sync").out()).isEqualTo("revoked token crm-sync\n");
    assertThat(run("token", "revoke", "crm-sync").err())
        .contains("there is no token named crm-sync");
  }

  @Test
  void trunksNumbersForwardingAndDialPlans() throws Exception {
    run("domain", "add", "example.com");
    run("user", "add", "--domain", "example.com", "-e", "1001");
    Path pw = file("carrier.pw", "s3cret\n");
    Result set =
        run(
            "trunk",
            "set",
            "example.com",
            "carrier-a",
            "--host",
            "sip.carrier.example",
            "--username",
            "4930123",
            "--password-file",
            pw.toString(),
            "--register-every",
            "600");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out())
        .isEqualTo(
            "trunk carrier-a of example.com: udp:sip.carrier.example:5060, priority 10, account 4930123, "
                + "registers every 600 s\n");
    // saved as asked (the name may resolve later, or elsewhere), with a warning now
    assertThat(set.err())
        .isEqualTo(
            "warning: sip.carrier.example does not resolve from this machine; calls through"
                + " carrier-a fail until it does (check the name, or give the carrier's IP address)\n");
    assertThat(run("trunk", "list", "example.com").out())
        .contains("carrier-a", "udp:sip.carrier.example:5060", "4930123", "every 600 s")
        .doesNotContain("s3cret");
    assertThat(
            run(
                    "trunk",
                    "set",
                    "example.com",
                    "carrier-b",
                    "--host",
                    "x.example",
                    "--transport",
                    "sctp")
                .err())
        .isEqualTo("error: transport: 'sctp' is not a trunk transport; use udp or tcp\n");
    assertThat(run("number", "set", "example.com", "+4930123456", "-e", "1001").out())
        .isEqualTo("+4930123456 rings 1001@example.com\n");
    assertThat(run("number", "set", "example.com", "030123456", "-e", "1001").err())
        .contains("is not an E.164 number");
    assertThat(
            run("forward", "set", "example.com", "1001", "no-answer", "0176123456", "--after", "20")
                .out())
        .isEqualTo("1001@example.com: unanswered after 20 s, calls go to 0176123456\n");
    assertThat(run("forward", "list", "example.com", "1001").out())
        .contains("no-answer: unanswered after 20 s");
    assertThat(run("forward", "list", "example.com").out())
        .as("the whole domain, each rule with its extension")
        .isEqualTo("1001 no-answer: unanswered after 20 s, calls go to 0176123456\n");
    assertThat(run("forward", "set", "example.com", "1001", "busy", "reception").err())
        .contains("extension reception does not exist");
    assertThat(run("dialplan", "show", "example.com").err())
        .contains("has no dial plan")
        .contains("evertone dialplan set");
    assertThat(run("dialplan", "set", "example.com", "--country-code", "49").out())
        .isEqualTo(
            "example.com: country code 49, national prefix '0', international prefix '00'\n");
    assertThat(run("forward", "remove", "example.com", "1001", "no-answer").out())
        .contains("removed the no-answer forwarding");
    assertThat(run("trunk", "remove", "example.com", "carrier-a").out())
        .isEqualTo("removed trunk carrier-a of example.com\n");
    assertThat(run("trunk", "remove", "example.com", "carrier-a").err())
        .contains("trunk carrier-a of example.com does not exist");
    assertThat(run("audit").out())
        .contains("trunk.add", "number.add", "forward.set", "dialplan.set", "trunk.remove");
  }

  @Test
  void remoteMode() throws Exception {
    try (ServerFixture fx = new ServerFixture(dir.resolve("server"))) {
      String token =
          fx.server.store().tokens().create("ops", dev.evertone.store.Actor.local("test"));
      Map<String, String> env =
          new HashMap<>(Map.of("EVERTONE_SERVER", fx.http(), "EVERTONE_TOKEN", token));
      assertThat(execute(env, "", "domain", "add", "example.com").out())
          .isEqualTo("added domain example.com\n");
      Result added = execute(env, "", "device", "add", "--domain", "example.com", "--user", "1001");
      assertThat(added.out()).contains("password of 1001@example.com: ");
      assertThat(execute(env, "", "device", "list", "--domain", "example.com").out())
          .contains("1001");
      Path csv =
          file("remote.csv", HEADER + ",example.com,,,,,,,1002,pw\n,example.com,,,,,,,1003,\n");
      Result imported = execute(env, "", "import", csv.toString());
      assertThat(imported.out()).contains("2 to create").contains("password of 1003@example.com: ");
      assertThat(
              execute(
                      env,
                      "",
                      "import",
                      file("bad.csv", HEADER + ",example.com,,,zz,,,,1004,x\n").toString())
                  .err())
          .contains("line 2 (row 1), column mac: 'zz' is not a MAC address");
      assertThat(execute(env, "", "audit").out())
          .contains("token:ops", "127.0.0.1", "import.apply");
      assertThat(
              fx.server
                  .store()
                  .credentials()
                  .lookup("example.com", "1002", false)
                  .orElseThrow()
                  .secret())
          .isEqualTo("pw");
      assertThat(execute(env, "", "device", "add", "--domain", "nowhere.net", "--user", "1").err())
          .isEqualTo(
              "error: domain nowhere.net does not exist; add it first with 'evertone domain add nowhere.net'\n");
      // routing through the API: the '+' of a number survives the URL
      assertThat(
              execute(env, "", "number", "set", "example.com", "+4930123456", "-e", "1001").out())
          .isEqualTo("+4930123456 rings 1001@example.com\n");
      assertThat(execute(env, "", "number", "list", "example.com").out())
          .contains("+4930123456", "1001");
      assertThat(execute(env, "", "number", "remove", "example.com", "+4930123456").out())
          .contains("removed +4930123456");
      assertThat(
              execute(
                      env,
                      "",
                      "trunk",
                      "set",
                      "example.com",
                      "carrier-a",
                      "--host",
                      "192.0.2.10",
                      "--priority",
                      "5")
                  .out())
          .contains("priority 5, no account");
      assertThat(
              execute(env, "", "forward", "set", "example.com", "1001", "always", "+4917612345678")
                  .out())
          .contains("every call goes to +4917612345678");
      assertThat(execute(env, "", "forward", "list", "example.com").out())
          .as("through the server too")
          .contains("1001 always: every call goes to +4917612345678");
      assertThat(
              execute(
                      env,
                      "",
                      "dialplan",
                      "set",
                      "example.com",
                      "--country-code",
                      "1",
                      "--national-prefix",
                      "1",
                      "--international-prefix",
                      "011")
                  .out())
          .contains("country code 1");
      assertThat(execute(env, "", "trunk", "set", "example.com", "Bad", "--host", "x").err())
          .contains("is not a trunk name");

      env.put("EVERTONE_TOKEN", token + "x");
      assertThat(execute(env, "", "domain", "list").err()).contains("the server refused the token");
      env.remove("EVERTONE_TOKEN");
      assertThat(execute(env, "", "domain", "list").err()).contains("--server needs a token");
    }
    assertThat(
            execute(
                    Map.of("EVERTONE_TOKEN", "evt_x"),
                    "",
                    "domain",
                    "list",
                    "--server",
                    "http://127.0.0.1:1")
                .err())
        .contains("cannot reach the server at http://127.0.0.1:1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "serve",
        "stun",
        "domain",
        "domain add",
        "domain list",
        "domain remove",
        "user",
        "user add",
        "user list",
        "user set",
        "user remove",
        "device",
        "device add",
        "device list",
        "device show",
        "device set",
        "device remove",
        "device set-password",
        "line",
        "line add",
        "line remove",
        "import",
        "export",
        "template",
        "credentials",
        "credentials history",
        "credentials restore",
        "audit",
        "token",
        "token create",
        "token list",
        "token revoke",
        "config",
        "config show",
        "config defaults",
        "config check",
        "trunk",
        "trunk set",
        "trunk list",
        "trunk remove",
        "number",
        "number set",
        "number list",
        "number remove",
        "forward",
        "forward set",
        "forward list",
        "forward remove",
        "dialplan",
        "dialplan set",
        "dialplan show"
      })
  void everyCommandExplainsItself(String command) {
    List<String> args =
        new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    Result r = run(args.toArray(new String[0]));
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: evertone").contains("-h, --help");
    assertThat(r.out().lines().count()).isGreaterThan(3);
  }

  @Test
  void everyCommandsSummaryIsWholeSentences() {
    // a command list shows the first paragraph of each description: a sentence that goes on in the
    // next one is cut in the middle ("... the file is an")
    picocli.CommandLine root =
        dev.evertone.server.Launcher.commandLine(
            dev.evertone.cli.CliContext.system(),
            new java.io.PrintWriter(new java.io.StringWriter()),
            new java.io.PrintWriter(new java.io.StringWriter()));
    List<String> cut = new ArrayList<>();
    List<picocli.CommandLine> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      picocli.CommandLine c = todo.remove(todo.size() - 1);
      String[] d = c.getCommandSpec().usageMessage().description();
      if (d.length > 0 && !d[0].strip().matches("(?s).*[.:!?)]")) {
        cut.add(c.getCommandSpec().qualifiedName() + ": " + d[0]);
      }
      todo.addAll(c.getSubcommands().values());
    }
    assertThat(cut).isEmpty();
  }

  @Test
  void configCommands() {
    assertThat(run("config", "check", "--set", "sip.udp-port=5070").out())
        .isEqualTo("configuration is valid\n");
    assertThat(run("config", "check", "--set", "sip.udp-port=x").err())
        .contains("'sip.udp-port' must be a whole number");
    assertThat(run("config", "show", "--set", "sip.udp-port=5070").out())
        .contains("udp-port: 5070");
    assertThat(run("config", "defaults").out())
        .contains("max-contacts-per-aor: 10")
        .contains("previous-secret-grace: 0s");
    assertThat(run("config", "check", "--set", "provisioning.guard.percent=0").err())
        .contains("provisioning.guard.percent must be 1-100");
    assertThat(run("config", "show").out()).contains("import:").contains("max-rows: 2000000");
    assertThat(run("--version").out()).startsWith("evertone ");
  }
}
