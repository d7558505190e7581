package dev.evertone.tests.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.registrar.Binding;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.Actor;
import dev.evertone.tests.support.Cli;
import dev.evertone.tests.support.LogLines;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tls.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS user agents against evertone's TLS port (Debian's SIPp has no TLS): sipsak (GnuTLS; it
 * refuses a certificate that does not name the host, though it does not check the issuer against
 * its CA file) and baresip (OpenSSL), which registers and answers evertone's OPTIONS over the
 * connection it opened. The domain is {@code localhost} because sipsak resolves the domain it
 * registers to.
 */
class TlsPeersTest {
  private static final String DOMAIN = "localhost";
  private static final String AOR = "sip:1001@" + DOMAIN;
  @TempDir Path dir;
  private final Instant now = Instant.now();
  private final TestPki.Issued root =
      TestPki.root("Peers Root", now.minus(1, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
  private @Nullable ServerFixture fx;

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  /** The server this test started. */
  private ServerFixture fx() {
    return Objects.requireNonNull(fx, "no server started yet");
  }

  private void start(String... more) throws Exception {
    KeyPair keys = TestPki.ec();
    TestPki.Issued leaf =
        TestPki.leaf(
            keys,
            root,
            now.minus(1, ChronoUnit.HOURS),
            now.plus(90, ChronoUnit.DAYS),
            DOMAIN,
            "127.0.0.1");
    TestPki.write(dir.resolve("sip.pem"), TestPki.pem(keys.getPrivate(), leaf.cert(), root.cert()));
    List<String> overrides =
        new ArrayList<>(List.of("sip.tls-port=0", "tls.certificates=" + dir.resolve("sip.pem")));
    overrides.addAll(List.of(more));
    fx = new ServerFixture(dir.resolve("data"), overrides.toArray(String[]::new));
    fx().provisioning().addDomain(DOMAIN);
    fx().provisioning()
        .addDevice(
            new NewDevice(
                DOMAIN,
                "1001",
                null,
                null,
                null,
                null,
                List.of(new NewLine(null, "1001", "Tq7-secret"))));
  }

  private int tlsPort() {
    return fx().address(TransportType.TLS).getPort();
  }

  private Peers.Run sipsak(Path caFile) throws Exception {
    return Peers.run(
        dir,
        60,
        "sipsak",
        "--transport=tls",
        "--tls-ca-cert=" + caFile,
        "-U",
        "-C",
        "sip:1001@127.0.0.1:6000",
        "-u",
        "1001",
        "-a",
        "Tq7-secret",
        "--expires=600",
        "-s",
        AOR,
        "-p",
        "localhost:" + tlsPort(),
        "-vv");
  }

  @Test
  @DisplayName("sipsak registers over TLS 1.2 with digest authentication")
  void sipsak() throws Exception {
    Peers.require("sipsak", "sipsak");
    // sipsak 0.9.8.1 cannot read past a TLS 1.3 session ticket (it fails the same way against
    // Kamailio's tls module)
    start("tls.protocols=TLSv1.2");
    Path ca = TestPki.write(dir.resolve("ca.pem"), TestPki.pem(null, root.cert()));
    try (LogLines registrar = new LogLines(dev.evertone.registrar.Registrar.class)) {
      Peers.Run ok = sipsak(ca);
      assertThat(ok.exit()).as(ok.output()).isZero();
      assertThat(registrar.messages())
          .anyMatch(
              m ->
                  m.startsWith(
                          "registered " + AOR + " at <sip:1001@127.0.0.1:6000> from tls:127.0.0.1:")
                      && m.contains("(sipsak"));
      // sipsak closes its connection when it exits: the binding goes with it (RFC 5626 6)
      dev.evertone.tests.support.Await.until(
          java.time.Duration.ofSeconds(5),
          "the binding over sipsak's closed connection removed",
          () -> fx().server.location().lookup(AOR).isEmpty());
    }
  }

  @Test
  @DisplayName(
      "baresip registers over TLS 1.3 and answers evertone's OPTIONS over its own connection; unregisters when it quits")
  void baresip() throws Exception {
    Peers.require("baresip", "baresip");
    start();
    Path conf = Files.createDirectories(dir.resolve("baresip"));
    Files.writeString(
        conf.resolve("accounts"),
        "<"
            + AOR
            + ";transport=tls>;auth_pass=\"Tq7-secret\";outbound=\"sip:127.0.0.1:"
            + tlsPort()
            + ";transport=tls\";regint=600\n");
    Files.writeString(
        conf.resolve("config"),
        "module_path /usr/lib/baresip/modules\nmodule account.so\nsip_listen 127.0.0.1:"
            + Peers.freePort()
            + "\nsip_cafile "
            + TestPki.write(dir.resolve("ca.pem"), TestPki.pem(null, root.cert()))
            + "\n");
    Process phone =
        new ProcessBuilder("baresip", "-f", conf.toString(), "-t", "8")
            .redirectErrorStream(true)
            .redirectOutput(conf.resolve("out.txt").toFile())
            .start();
    try {
      long deadline = System.currentTimeMillis() + 5000;
      while (fx().server.location().lookup(AOR).isEmpty()
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      Binding b =
          fx().server.location().lookup(AOR).stream()
              .findFirst()
              .orElseThrow(() -> new AssertionError(read(conf)));
      assertThat(b.transport()).isEqualTo(TransportType.TLS);
      assertThat(b.userAgent()).startsWith("baresip");

      String token = fx().server.store().tokens().create("ops", Actor.local("test"));
      Cli.Result ping =
          Cli.execute(
              Map.of("EVERTONE_SERVER", fx().http(), "EVERTONE_TOKEN", token),
              "",
              "registrations",
              "ping",
              DOMAIN,
              "1001");
      assertThat(ping.code()).as(ping.out() + ping.err()).isZero();
      assertThat(ping.out())
          .contains("tls:127.0.0.1:" + b.sourcePort())
          .contains("200 OK")
          .contains("baresip");
      assertThat(phone.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(fx().server.location().lookup(AOR)).as("unregistered on exit").isEmpty();
    } finally {
      phone.destroyForcibly();
    }
  }

  private static String read(Path conf) {
    try {
      return Files.readString(conf.resolve("out.txt"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
