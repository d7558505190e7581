package dev.evertone.tests.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.registrar.Registrar;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.LogLines;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evertone against the real tools its users and their attackers run: SIPp and sipvicious' svwar.
 */
class RealPeersTest {
  @TempDir Path dir;
  private ServerFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dir.resolve("data"));
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private Peers.Run sipp(String scenario, Path users, String transport, int calls)
      throws Exception {
    Peers.require("sipp", "sip-tester");
    int port = transport.equals("u1") ? fx.udp().getPort() : fx.tcp().getPort();
    return Peers.run(
        dir,
        120,
        "sipp",
        "-sf",
        scenario,
        "-inf",
        users.toString(),
        "127.0.0.1:" + port,
        "-t",
        transport,
        "-i",
        "127.0.0.1",
        "-m",
        Integer.toString(calls),
        "-r",
        "50",
        "-timeout",
        "60s",
        "-nostdin",
        "-trace_err");
  }

  private static int successful(String sippOutput) {
    Matcher m =
        Pattern.compile("Successful call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)").matcher(sippOutput);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  @Test
  @DisplayName(
      "SIPp registers 100 devices over UDP with digest authentication (bench/peers/sipp-register-auth.xml)")
  void sippOverUdp() throws Exception {
    fx.provision("bench.test", 100);
    Path scenario = Peers.resource(dir, "peers/sipp-register-auth.xml");
    Peers.Run run = sipp(scenario.toString(), Peers.users(dir, 100, "pw"), "u1", 100);
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(successful(run.output())).isEqualTo(100);
    assertThat(fx.server.location().aorCount()).isEqualTo(100);
    assertThat(fx.server.location().lookup("sip:u100042@bench.test"))
        .singleElement()
        .satisfies(b -> assertThat(b.transport().name()).isEqualTo("UDP"));
  }

  @Test
  @DisplayName(
      "SIPp registers 100 devices over TCP; when it exits, its connection closes and the bindings go (RFC 5626 6)")
  void sippOverTcp() throws Exception {
    fx.provision("bench.test", 100);
    Path scenario = Peers.resource(dir, "peers/sipp-register-auth.xml");
    try (LogLines registrar = new LogLines(Registrar.class)) {
      Peers.Run run = sipp(scenario.toString(), Peers.users(dir, 100, "pw"), "t1", 100);
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(successful(run.output())).isEqualTo(100);
      // the registrar's lines are rate-limited (20 a second): the first of the burst is always
      // there
      assertThat(registrar.messages())
          .anyMatch(
              m -> m.startsWith("registered sip:u1000") && m.contains(" from tcp:127.0.0.1:"));
      Await.until(
          Duration.ofSeconds(5),
          "the bindings over SIPp's closed connection removed",
          () -> fx.server.location().aorCount() == 0);
    }
  }

  @Test
  @DisplayName("SIPp with wrong passwords gets 403 for every device and no binding is made")
  void sippWrongPassword() throws Exception {
    fx.provision("bench.test", 5);
    Path scenario = Peers.resource(dir, "sipp/register-wrong-password.xml");
    Peers.Run run = sipp(scenario.toString(), Peers.users(dir, 5, "wrong"), "u1", 5);
    assertThat(run.exit()).as(run.output()).isZero(); // the scenario expects the 403
    assertThat(successful(run.output())).isEqualTo(5);
    assertThat(fx.server.location().size()).isZero();
  }

  @Test
  @DisplayName(
      "baresip, a real softphone, registers over UDP and TCP, and unregisters when it quits")
  void baresip() throws Exception {
    Peers.require("baresip", "baresip");
    Path modules = Path.of("/usr/lib/baresip/modules");
    assertThat(modules).as("baresip's modules (Debian layout)").isDirectory();
    fx.provisioning().addDomain("example.com");
    // baresip's account file cannot hold '"' or '\\' in a password; the rest of the punctuation it
    // can
    fx.provisioning()
        .addDevice(
            new NewDevice(
                "example.com",
                "1001",
                null,
                null,
                null,
                null,
                List.of(new NewLine(null, "1001", "Zq9;'p%w&d"))));
    for (String transport : List.of("udp", "tcp")) {
      int port = transport.equals("udp") ? fx.udp().getPort() : fx.tcp().getPort();
      Path conf = java.nio.file.Files.createDirectories(dir.resolve("baresip-" + transport));
      java.nio.file.Files.writeString(
          conf.resolve("accounts"),
          "<sip:1001@example.com;transport="
              + transport
              + ">;auth_pass=\"Zq9;'p%w&d\";outbound=\"sip:127.0.0.1:"
              + port
              + ";transport="
              + transport
              + "\";regint=600\n");
      java.nio.file.Files.writeString(
          conf.resolve("config"),
          "module_path "
              + modules
              + "\nmodule account.so\nsip_listen 127.0.0.1:"
              + Peers.freePort()
              + "\n");
      Process phone =
          new ProcessBuilder("baresip", "-f", conf.toString(), "-t", "4")
              .redirectErrorStream(true)
              .redirectOutput(conf.resolve("out.txt").toFile())
              .start();
      long deadline = System.currentTimeMillis() + 3500;
      while (fx.server.location().lookup("sip:1001@example.com").isEmpty()
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(fx.server.location().lookup("sip:1001@example.com"))
          .as(transport + ": " + java.nio.file.Files.readString(conf.resolve("out.txt")))
          .singleElement()
          .satisfies(
              b -> {
                assertThat(b.transport().lowerName()).isEqualTo(transport);
                assertThat(b.userAgent()).startsWith("baresip");
              });
      assertThat(phone.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(fx.server.location().lookup("sip:1001@example.com"))
          .as("unregistered on exit")
          .isEmpty();
    }
  }

  @Test
  @DisplayName("svwar cannot tell which extensions exist, with REGISTER, INVITE or OPTIONS")
  void svwarFindsNothing() throws Exception {
    Peers.require("svwar", "sipvicious");
    // svwar addresses users at the target's IP, so the realm is 127.0.0.1
    fx.provisioning().addDomain("127.0.0.1");
    for (String user : List.of("1001", "1002", "1003")) {
      fx.provisioning()
          .addDevice(
              new NewDevice(
                  "127.0.0.1",
                  user,
                  null,
                  null,
                  null,
                  null,
                  List.of(new NewLine(null, user, "secret" + user))));
    }
    String target = "udp://127.0.0.1:" + fx.udp().getPort();
    Peers.Run plain = Peers.run(dir, 120, "svwar", "-e1000-1010", target);
    assertThat(plain.output()).as(plain.output()).contains("found nothing");
    for (String method : List.of("REGISTER", "INVITE", "OPTIONS")) {
      Peers.Run forced =
          Peers.run(dir, 120, "svwar", "--force", "-m", method, "-e1000-1010", target);
      // whatever svwar reports, none of the extensions that exist is among it
      List<String> reported =
          Pattern.compile("^\\| (\\S+)\\s+\\|", Pattern.MULTILINE)
              .matcher(forced.output())
              .results()
              .map(r -> r.group(1))
              .filter(e -> !e.equals("Extension"))
              .collect(Collectors.toList());
      assertThat(reported)
          .as(method + ":\n" + forced.output())
          .doesNotContain("1001", "1002", "1003");
    }
  }
}
