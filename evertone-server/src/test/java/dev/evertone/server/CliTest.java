package dev.evertone.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.server.cli.CliContext;
import dev.evertone.server.cli.Main;
import dev.evertone.store.StoreConfig;
import dev.evertone.store.jdbc.JdbcStore;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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

  record Result(int code, String out, String err) {}

  private Result runWithInput(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    CliContext ctx = new CliContext(Map.of("EVERTONE_DATA_DIR", dir.toString()),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());
    int code = Main.commandLine(ctx, new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(new String[0]));
    return new Result(code, out.toString(), err.toString());
  }

  private Result run(String... args) {
    return runWithInput("", args);
  }

  private String secretOf(String user) {
    try (JdbcStore store = JdbcStore.open(new StoreConfig(null, dir, null, 1), Clock.systemUTC())) {
      return store.devices().credential("example.com", user).orElseThrow().secret();
    }
  }

  @Test
  void domainLifecycle() {
    assertThat(run("domain", "list").out()).contains("no domains yet");
    assertThat(run("domain", "add", "Example.COM").out()).isEqualTo("added domain example.com\n");
    Result dup = run("domain", "add", "example.com");
    assertThat(dup.code()).isEqualTo(1);
    assertThat(dup.err()).isEqualTo("error: domain example.com already exists\n");
    assertThat(run("domain", "list").out()).contains("DOMAIN").contains("example.com");
    assertThat(run("domain", "add", "bad domain").err()).contains("error: domain:");
    assertThat(run("domain", "remove", "example.com").out()).isEqualTo("removed domain example.com\n");
    assertThat(run("domain", "remove", "example.com").err()).contains("does not exist");
  }

  @Test
  void devicesWithGivenStdinAndGeneratedPasswords() {
    run("domain", "add", "example.com");
    Result given = run("device", "add", "--domain", "example.com", "--user", "1001", "--password", "s3cret;'\"", "--display-name", "Front desk");
    assertThat(given.code()).isZero();
    assertThat(given.out()).startsWith("added device 1001@example.com\n").doesNotContain("s3cret");
    assertThat(secretOf("1001")).isEqualTo("s3cret;'\"");

    Result stdin = runWithInput("from-stdin\n", "device", "add", "--domain", "example.com", "--user", "1002", "--password-stdin");
    assertThat(stdin.code()).isZero();
    assertThat(secretOf("1002")).isEqualTo("from-stdin");

    Result generated = run("device", "add", "--domain", "example.com", "--user", "1003");
    Matcher m = Pattern.compile("password: (\\S+) ").matcher(generated.out());
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).hasSize(20);
    assertThat(secretOf("1003")).isEqualTo(m.group(1));

    Result list = run("device", "list", "--domain", "example.com");
    assertThat(list.out()).contains("1001", "Front desk", "1002", "1003").doesNotContain("s3cret").doesNotContain(m.group(1));

    Result changed = run("device", "set-password", "--domain", "example.com", "--user", "1001", "-p", "new-one");
    assertThat(changed.out()).isEqualTo("changed the password of 1001@example.com\n");
    assertThat(secretOf("1001")).isEqualTo("new-one");

    assertThat(run("device", "remove", "--domain", "example.com", "--user", "1002").out()).isEqualTo("removed device 1002@example.com\n");
    assertThat(run("device", "list").out()).doesNotContain("1002");
    assertThat(run("domain", "remove", "example.com").err()).contains("still has 2 devices");
    assertThat(run("domain", "remove", "example.com", "--with-devices").out()).contains("and its 2 devices");
  }

  @Test
  void deviceErrorsAreClearAndExitOne() {
    Result noDomain = run("device", "add", "--domain", "nowhere.test", "--user", "1001", "-p", "x");
    assertThat(noDomain.code()).isEqualTo(1);
    assertThat(noDomain.err()).contains("evertone domain add nowhere.test");
    run("domain", "add", "example.com");
    assertThat(run("device", "add", "--domain", "example.com", "--user", "10 01", "-p", "x").err()).startsWith("error: user:");
    assertThat(runWithInput("", "device", "add", "--domain", "example.com", "--user", "1001", "--password-stdin").err())
        .contains("standard input holds no password");
    Result both = run("device", "add", "--domain", "example.com", "--user", "1001", "-p", "x", "--password-stdin");
    assertThat(both.code()).isEqualTo(2); // usage error
    assertThat(both.err()).contains("mutually exclusive");
    assertThat(run("device", "add", "--domain", "example.com").err()).contains("Missing required option: '--user=USER'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "serve", "domain", "domain add", "domain list", "domain remove", "device", "device add",
      "device list", "device remove", "device set-password", "config", "config show", "config defaults", "config check"})
  void everyCommandExplainsItself(String command) {
    List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    Result r = run(args.toArray(new String[0]));
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: evertone").contains("-h, --help");
    assertThat(r.out().lines().count()).isGreaterThan(3);
  }

  @Test
  void configCommands() {
    assertThat(run("config", "check", "--set", "sip.udp-port=5070").out()).isEqualTo("configuration is valid\n");
    assertThat(run("config", "check", "--set", "sip.udp-port=x").err()).contains("'sip.udp-port' must be a whole number");
    assertThat(run("config", "show", "--set", "sip.udp-port=5070").out()).contains("udp-port: 5070");
    assertThat(run("config", "defaults").out()).contains("max-contacts-per-aor: 10");
    assertThat(run("--version").out()).startsWith("evertone ");
  }
}
