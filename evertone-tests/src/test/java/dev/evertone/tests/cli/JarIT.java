package dev.evertone.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.tests.support.Peers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged evertone.jar used the way the README says: add a domain and devices with the CLI,
 * start {@code serve}, register with SIPp, stop with SIGTERM.
 */
class JarIT {
  @TempDir Path dir;

  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private static String jar() {
    String jar = System.getProperty("evertone.jar");
    assertThat(jar).as("system property evertone.jar (set by the failsafe plugin)").isNotNull();
    return jar;
  }

  private Peers.Run cli(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", jar()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--data-dir", dir.resolve("data").toString()));
    return Peers.run(dir, 60, cmd.toArray(new String[0]));
  }

  /** bin/evertone with this build's jar, its cache and data under the test's directory. */
  private String launcher(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of("..", "bin", "evertone").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("EVERTONE_JAR", jar());
    pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    pb.environment().put("EVERTONE_DATA_DIR", dir.resolve("data").toString());
    Process p = pb.start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + " " + out;
  }

  @Test
  void theLauncherRunsShortCommandsFromAClassArchiveItWritesOnce() throws Exception {
    assertThat(launcher("--version")).startsWith("0 evertone ");
    assertThat(dir.resolve("cache/evertone")).doesNotExist(); // --version loads too little to keep
    assertThat(launcher("domain", "add", "a.test")).isEqualTo("0 added domain a.test\n");
    try (var archives = Files.list(dir.resolve("cache/evertone"))) {
      assertThat(archives.map(f -> f.getFileName().toString()))
          .singleElement()
          .satisfies(name -> assertThat(name).startsWith("cli-").endsWith(".jsa"));
    }
    // the next command starts from the archive, and says nothing about it
    assertThat(launcher("domain", "list"))
        .startsWith("0 ")
        .contains("a.test")
        .doesNotContain("CDS");
    ProcessBuilder missing =
        new ProcessBuilder(Path.of("..", "bin", "evertone").toString(), "domain", "list")
            .redirectErrorStream(true);
    missing.environment().put("EVERTONE_JAR", dir.resolve("nope.jar").toString());
    Process p = missing.start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("no evertone.jar found; build it with 'mvn -q package -DskipTests'");
  }

  @Test
  void quickStartFromTheReadme() throws Exception {
    Peers.require("sipp", "sip-tester");
    assertThat(cli("domain", "add", "bench.test").output()).contains("added domain bench.test");
    for (int i = 0; i < 3; i++) {
      String u = "u" + (100000 + i);
      Peers.Run add =
          cli("device", "add", "--domain", "bench.test", "--user", u, "--password", "pw" + u);
      assertThat(add.exit()).as(add.output()).isZero();
    }
    Files.writeString(
        dir.resolve("more.csv"),
        """
        domain,extension,display_name,auth_user,secret
        bench.test,u100003,Door phone,u100003,pwu100003
        bench.test,u100004,"Lobby, east",u100004,pwu100004
        """);
    Peers.Run imported = cli("import", dir.resolve("more.csv").toString());
    assertThat(imported.exit()).as(imported.output()).isZero();
    assertThat(imported.output())
        .contains("plan: 2 rows: 2 to create")
        .contains("applied as batch import-");
    Peers.Run created = cli("token", "create", "ops");
    String token =
        created.output().lines().filter(l -> l.startsWith("evt_")).findFirst().orElseThrow();
    int sip = Peers.freePort();
    int http = Peers.freePort();
    int stun = Peers.freePort();
    Path log = dir.resolve("serve.log");
    Process serve =
        serve(
            log,
            "sip.udp-port=" + sip,
            "sip.tcp-port=" + sip,
            "http.port=" + http,
            "stun.port=" + stun);
    try {
      Path scenario = Peers.resource(dir, "peers/sipp-register-auth.xml");
      // TCP first: SIPp closes its connection when it exits, and the bindings made over it go with
      // it (RFC 5626 6); the UDP ones stay
      for (String transport : List.of("t1", "u1")) {
        Peers.Run sipp =
            Peers.run(
                dir,
                60,
                "sipp",
                "-sf",
                scenario.toString(),
                "-inf",
                Peers.users(dir, 3, "pw").toString(),
                "127.0.0.1:" + sip,
                "-t",
                transport,
                "-i",
                "127.0.0.1",
                "-m",
                "3",
                "-timeout",
                "30s",
                "-nostdin");
        assertThat(sipp.exit())
            .as(transport + "\n" + sipp.output() + "\nserver:\n" + Files.readString(log))
            .isZero();
      }
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/health"))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.body()).contains("\"bindings\":3");
      // without the token: alive, and nothing about what the node holds
      assertThat(
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/health"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body())
          .isEqualTo("{\"status\":\"up\"}\n");
      HttpResponse<String> domains =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/v1/domains"))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(domains.statusCode()).as(domains.body()).isEqualTo(200);
      assertThat(domains.body()).contains("\"name\":\"bench.test\"").contains("\"lines\":5");
      assertThat(
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + http + "/api/v1/domains"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(401);
      assertThat(Files.readString(log)).contains("registered sip:u100001@bench.test");
      // the status page, on the packaged jar's first start: the default components, all operational
      HttpResponse<String> summary =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + http + "/api/v2/summary.json"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(summary.body())
          .contains("\"description\":\"All Systems Operational\"", "\"name\":\"SIP Registration\"");
      assertThat(
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body())
          .contains("<h2>Components</h2>");
      // the STUN server runs inside serve: coturn's client learns its address from it
      Peers.require("turnutils_stunclient", "coturn");
      Peers.Run stunClient =
          Peers.run(dir, 30, "turnutils_stunclient", "-p", Integer.toString(stun), "127.0.0.1");
      assertThat(stunClient.output())
          .as(stunClient.output())
          .contains("UDP reflexive addr: 127.0.0.1:");
      // and so does an RFC 3489 client (Debian's stun-client), which finds no NAT between itself
      // and evertone
      Peers.require("stun", "stun-client");
      Peers.Run classic = Peers.run(dir, 30, "stun", "127.0.0.1:" + stun);
      assertThat(classic.output()).as(classic.output()).contains("Primary: Open");
    } finally {
      serve
          .toHandle()
          .destroy(); // SIGTERM, without closing our end of its output (Process.destroy would)
      assertThat(serve.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(log)).as("exit %d", serve.exitValue()).contains("stopped");
  }

  /**
   * Starts {@code serve} with {@code settings} ({@code key=value}) and its output in {@code log};
   * returns once it is ready.
   */
  private Process serve(Path log, String... settings) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(JAVA, "-jar", jar(), "serve", "--data-dir", dir.resolve("data").toString()));
    for (String setting : settings) {
      cmd.addAll(List.of("--set", setting));
    }
    Process serve =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.readString(log).contains("ready: SIP on")
        && serve.isAlive()
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertThat(Files.readString(log)).contains("ready: SIP on");
    return serve;
  }

  @Test
  void everyRegistrationAnsweredSurvivesAKillDashNine() throws Exception {
    Peers.require("sipp", "sip-tester");
    int count = 300;
    StringBuilder csv = new StringBuilder("domain,extension,auth_user,secret\n");
    for (int i = 0; i < count; i++) {
      String u = "u" + (100000 + i);
      csv.append("bench.test,")
          .append(u)
          .append(',')
          .append(u)
          .append(",pw")
          .append(u)
          .append('\n');
    }
    Files.writeString(dir.resolve("phones.csv"), csv);
    assertThat(cli("domain", "add", "bench.test").exit()).isZero();
    Peers.Run imported = cli("import", dir.resolve("phones.csv").toString());
    assertThat(imported.exit()).as(imported.output()).isZero();
    int sip = Peers.freePort();
    Process first =
        serve(
            dir.resolve("first.log"),
            "sip.udp-port=" + sip,
            "sip.tcp-port=-1",
            "http.port=-1",
            "stun.port=-1");
    Peers.Run sipp;
    try {
      // a burst of new registrations, each answered 200 OK, then the process dies at once
      sipp =
          Peers.run(
              dir,
              60,
              "sipp",
              "-sf",
              Peers.resource(dir, "peers/sipp-register-auth.xml").toString(),
              "-inf",
              Peers.users(dir, count, "pw").toString(),
              "127.0.0.1:" + sip,
              "-i",
              "127.0.0.1",
              "-r",
              "1000",
              "-m",
              Integer.toString(count),
              "-timeout",
              "30s",
              "-nostdin");
    } finally {
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no final write
      assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(sipp.exit()).as(sipp.output()).isZero();
    Process second =
        serve(
            dir.resolve("second.log"),
            "sip.udp-port=" + sip,
            "sip.tcp-port=-1",
            "http.port=-1",
            "stun.port=-1");
    try {
      assertThat(Files.readString(dir.resolve("second.log")))
          .as("every phone told it is registered is registered after the restart")
          .contains("registrations: " + count + " restored from the store");
    } finally {
      second.toHandle().destroy();
      assertThat(second.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void stunAndTurnRunAloneOnAMediaMachine() throws Exception {
    Peers.require("turnutils_uclient", "coturn");
    int port = Peers.freePort();
    Process stun =
        new ProcessBuilder(
                JAVA,
                "-jar",
                jar(),
                "stun",
                "--data-dir",
                dir.resolve("data").toString(),
                "--set",
                "stun.port=" + port,
                "--set",
                "stun.host=127.0.0.1",
                "--set",
                "stun.turn.secrets=media-secret",
                "--set",
                "stun.turn.allow-loopback-peers=true")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stun.out").toFile())
            .start();
    try {
      long deadline = System.currentTimeMillis() + 30_000;
      while (!Files.readString(dir.resolve("stun.out")).contains("ready: STUN/TURN")
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertThat(Files.readString(dir.resolve("stun.out")))
          .contains("ready: STUN/TURN on udp /127.0.0.1:" + port);
      Peers.Run binding =
          Peers.run(dir, 30, "turnutils_stunclient", "-p", Integer.toString(port), "127.0.0.1");
      assertThat(binding.output()).contains("UDP reflexive addr: 127.0.0.1:");
      Peers.Run relay =
          Peers.run(
              dir,
              60,
              "turnutils_uclient",
              "-W",
              "media-secret",
              "-u",
              "1001@example.com",
              "-y",
              "-c",
              "-n",
              "10",
              "-m",
              "1",
              "-p",
              Integer.toString(port),
              "127.0.0.1");
      assertThat(relay.output()).as(relay.output()).contains("Total lost packets 0 (0.000000%)");
    } finally {
      stun.toHandle().destroy();
      assertThat(stun.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(dir.resolve("stun.out"))).contains("stopped");
  }
}
