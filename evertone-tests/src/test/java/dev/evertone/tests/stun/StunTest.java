package dev.evertone.tests.stun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.stun.StunAttributes;
import dev.evertone.stun.StunEncoder;
import dev.evertone.stun.StunMessage;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tls.testing.TestPki;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The STUN server inside evertone serve, and the probe that reports a STUN server answering the
 * wrong address.
 */
class StunTest {
  @TempDir Path dir;

  @Test
  void aStunServerAnsweringAWrongAddressIsReportedFailingWithinOneProbeInterval() throws Exception {
    try (DatagramSocket stale =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Thread liar =
          new Thread(
              () -> {
                byte[] buf = new byte[1500];
                while (!stale.isClosed()) {
                  try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    stale.receive(p);
                    StunMessage request = StunMessage.parse(buf, p.getLength());
                    byte[] answer =
                        StunEncoder.responseTo(request, true)
                            .xorAddress(
                                StunAttributes.XOR_MAPPED_ADDRESS,
                                new InetSocketAddress(
                                    InetAddress.getByName("198.51.100.77"), 40000))
                            .encode(null, true);
                    stale.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      liar.setDaemon(true);
      liar.start();
      String staleName = "127.0.0.1:" + stale.getLocalPort();
      long started = System.currentTimeMillis();
      try (ServerFixture fx =
          new ServerFixture(
              dir,
              "stun.probe-interval=1s",
              "stun.probe-timeout=300ms",
              "stun.probe-servers=" + staleName)) {
        String health;
        do {
          Thread.sleep(50);
          health = fx.health();
        } while (!health.contains("\"server\":\"" + staleName + "\"")
            && System.currentTimeMillis() - started < 10_000);
        assertThat(System.currentTimeMillis() - started)
            .as("within one probe interval of starting")
            .isLessThan(5_000);
        assertThat(health)
            .contains("\"server\":\"evertone\",\"ok\":true")
            .contains(
                "\"server\":\""
                    + staleName
                    + "\",\"ok\":false,\"mapped\":\"198.51.100.77:40000\",\"expected\":\"127.0.0.1:");
        assertThat(
                fx.server
                    .meters()
                    .get("evertone.stun.probe.ok")
                    .tag("server", staleName)
                    .gauge()
                    .value())
            .isZero();
        assertThat(
                fx.server
                    .meters()
                    .get("evertone.stun.probe.ok")
                    .tag("server", "evertone")
                    .gauge()
                    .value())
            .isEqualTo(1);
      }
    }
  }

  @Test
  void coturnsClientRelaysThroughEvertoneWithAnAccountAndWithRestCredentials() throws Exception {
    Peers.require("turnutils_uclient", "coturn");
    // the two clients of -y are each other's peers on loopback, which only a test may allow
    try (ServerFixture fx =
        new ServerFixture(
            dir,
            "stun.turn.users=alice:alice-pw",
            "stun.turn.secrets=s3cret",
            "stun.turn.allow-loopback-peers=true")) {
      String port = Integer.toString(fx.stun().udpAddress().getPort());
      Peers.Run channels =
          Peers.run(
              dir,
              60,
              "turnutils_uclient",
              "-u",
              "alice",
              "-w",
              "alice-pw",
              "-y",
              "-c",
              "-n",
              "20",
              "-m",
              "2",
              "-l",
              "100",
              "-p",
              port,
              "127.0.0.1");
      assertThat(channels.output())
          .as(channels.output())
          .contains("tot_send_msgs=40, tot_recv_msgs=40")
          .contains("Total lost packets 0 (0.000000%)");
      Peers.Run rest =
          Peers.run(
              dir,
              60,
              "turnutils_uclient",
              "-W",
              "s3cret",
              "-u",
              "carol",
              "-y",
              "-c",
              "-s",
              "-n",
              "20",
              "-m",
              "2",
              "-l",
              "100",
              "-p",
              port,
              "127.0.0.1");
      assertThat(rest.output())
          .as(rest.output())
          .contains("tot_send_msgs=40, tot_recv_msgs=40")
          .contains("Total lost packets 0 (0.000000%)");
      Peers.Run wrong =
          Peers.run(
              dir,
              60,
              "turnutils_uclient",
              "-W",
              "not-the-secret",
              "-u",
              "carol",
              "-y",
              "-c",
              "-n",
              "5",
              "-m",
              "1",
              "-p",
              port,
              "127.0.0.1");
      assertThat(wrong.output()).contains("Cannot complete Allocation");
      assertThat(fx.server.meters().get("evertone.turn.relayed").counter().count())
          .isGreaterThanOrEqualTo(160);
    }
  }

  @Test
  void coturnsClientGetsIpv6RelaysWhenItAsksForThem() throws Exception {
    Peers.require("turnutils_uclient", "coturn");
    try (ServerFixture fx =
        new ServerFixture(
            dir,
            "stun.turn.users=alice:alice-pw",
            "stun.turn.allow-loopback-peers=true",
            "stun.turn.relay-host-ipv6=::1")) {
      String port = Integer.toString(fx.stun().udpAddress().getPort());
      // -x: REQUESTED-ADDRESS-FAMILY IPv6 (RFC 8656 7.2); the two clients' peers are each other's
      // IPv6 relays
      Peers.Run v6 =
          Peers.run(
              dir,
              60,
              "turnutils_uclient",
              "-v",
              "-x",
              "-u",
              "alice",
              "-w",
              "alice-pw",
              "-y",
              "-c",
              "-n",
              "20",
              "-m",
              "2",
              "-l",
              "100",
              "-p",
              port,
              "127.0.0.1");
      assertThat(v6.output())
          .as(v6.output())
          .contains("IPv6. Received relay addr: ::1:")
          .doesNotContain("IPv4. Received relay addr")
          .contains("tot_send_msgs=40, tot_recv_msgs=40")
          .contains("Total lost packets 0 (0.000000%)");
      assertThat(fx.server.meters().get("evertone.turn.relayed").counter().count())
          .isGreaterThanOrEqualTo(80);
    }
  }

  @Test
  void coturnsClientAllocatesOverTcpAndOverTlsWithItsMediaRelayedOverUdp() throws Exception {
    Peers.require("turnutils_uclient", "coturn");
    java.time.Instant now = java.time.Instant.now();
    TestPki.Issued root =
        TestPki.root(
            "Test Root",
            now.minus(1, java.time.temporal.ChronoUnit.DAYS),
            now.plus(30, java.time.temporal.ChronoUnit.DAYS));
    try (ServerFixture fx =
        ServerFixture.withCertificate(
            dir,
            root,
            "turn.example.com",
            "stun.turn.users=alice:alice-pw",
            "stun.turn.allow-loopback-peers=true")) {
      String tcp = Integer.toString(fx.stun().tcpAddress().getPort());
      Peers.Run overTcp =
          Peers.run(
              dir,
              60,
              "turnutils_uclient",
              "-t",
              "-u",
              "alice",
              "-w",
              "alice-pw",
              "-y",
              "-c",
              "-n",
              "20",
              "-m",
              "2",
              "-l",
              "100",
              "-p",
              tcp,
              "127.0.0.1");
      assertThat(overTcp.output())
          .as(overTcp.output())
          .contains("tot_send_msgs=40, tot_recv_msgs=40")
          .contains("Total lost packets 0 (0.000000%)");
      InetSocketAddress tlsAddress = fx.stun().tlsAddress();
      assertThat(tlsAddress).as("TLS with the server's certificate").isNotNull();
      String tls = Integer.toString(Objects.requireNonNull(tlsAddress).getPort());
      Peers.Run overTls =
          Peers.run(
              dir,
              60,
              "turnutils_uclient",
              "-S",
              "-t",
              "-u",
              "alice",
              "-w",
              "alice-pw",
              "-y",
              "-c",
              "-n",
              "20",
              "-m",
              "2",
              "-l",
              "100",
              "-p",
              tls,
              "127.0.0.1");
      // over TLS this client sends each first message before its peer's channel is bound: coturn's
      // own server loses
      // those two as well (measured against turnserver with the same command)
      assertThat(overTls.output())
          .as(overTls.output())
          .containsPattern("tot_send_msgs=40, tot_recv_msgs=(38|39|40)\n");
      assertThat(fx.server.meters().get("evertone.turn.relayed").counter().count())
          .isGreaterThanOrEqualTo(158);
      fx.provisioning().addDomain("example.com");
      fx.provisioning()
          .addDevice(
              new dev.evertone.provisioning.NewDevice(
                  "example.com",
                  null,
                  null,
                  null,
                  null,
                  null,
                  List.of(new dev.evertone.provisioning.NewLine(null, "1001", "line-pw"))));
      String basic =
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(
                      "1001@example.com:line-pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String ice =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(fx.http() + "/ice-servers"))
                      .header("Authorization", basic)
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(ice)
          .as("browsers are told of TURN over TLS too")
          .contains("\"turns:127.0.0.1:" + tls + "?transport=tcp\"");
      // each client's connection closed: its allocation is gone at once, not when its lifetime runs
      // out
      long deadline = System.currentTimeMillis() + 5_000;
      while (fx.server.meters().get("evertone.turn.allocations").gauge().value() > 0
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(fx.server.meters().get("evertone.turn.allocations").gauge().value()).isZero();
    }
  }

  @Test
  void aBrowserPhoneGetsOnlyEvertonesOwnServersWithTurnCredentialsThatWork() throws Exception {
    Peers.require("turnutils_uclient", "coturn");
    try (ServerFixture fx =
        new ServerFixture(
            dir, "stun.turn.allow-loopback-peers=true", "stun.turn.credential-ttl=1h")) {
      fx.provisioning().addDomain("example.com");
      fx.provisioning()
          .addDevice(
              new dev.evertone.provisioning.NewDevice(
                  "example.com",
                  null,
                  null,
                  null,
                  null,
                  null,
                  java.util.List.of(
                      new dev.evertone.provisioning.NewLine(null, "1001", "line-pw"))));
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create(fx.http() + "/ice-servers");
      String basic =
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(
                      "1001@example.com:line-pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      HttpResponse<String> ok =
          http.send(
              HttpRequest.newBuilder(uri).header("Authorization", basic).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      com.fasterxml.jackson.databind.JsonNode body =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok.body());
      int port = fx.stun().udpAddress().getPort();
      assertThat(body.get("iceServers"))
          .as("evertone's own STUN and TURN, nothing else")
          .hasSize(2);
      assertThat(body.get("iceServers").get(0).get("urls").get(0).asText())
          .isEqualTo("stun:127.0.0.1:" + port);
      com.fasterxml.jackson.databind.JsonNode turn = body.get("iceServers").get(1);
      assertThat(turn.get("urls"))
          .extracting(com.fasterxml.jackson.databind.JsonNode::asText)
          .as("no certificate: no turns: URL")
          .containsExactly(
              "turn:127.0.0.1:" + port + "?transport=udp",
              "turn:127.0.0.1:" + port + "?transport=tcp");
      String username = turn.get("username").asText();
      assertThat(username).endsWith(":1001@example.com");
      long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
      assertThat(expiry - System.currentTimeMillis() / 1000).isBetween(3500L, 3700L);
      // the credentials work at the relay: coturn's client allocates and relays with them
      Peers.Run relay =
          Peers.run(
              dir,
              60,
              "turnutils_uclient",
              "-u",
              username,
              "-w",
              turn.get("credential").asText(),
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

      // with loopback peers allowed, the probe of evertone's own relay allocates and relays a
      // packet to itself
      String health = "";
      long deadline = System.currentTimeMillis() + 10_000;
      while (!health.contains("\"server\":\"evertone\",\"ok\":true")
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
        health = fx.health();
      }
      assertThat(health).contains("\"server\":\"evertone\",\"ok\":true");

      String wrong =
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString(
                      "1001@example.com:guess".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      HttpResponse<String> refused =
          http.send(
              HttpRequest.newBuilder(uri).header("Authorization", wrong).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      HttpResponse<String> none =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
    }
  }

  /** GET /ice-servers with HTTP Basic credentials of {@code line}. */
  private static HttpResponse<String> iceServers(ServerFixture fx, String line, String password)
      throws Exception {
    String basic =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString(
                    (line + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(fx.http() + "/ice-servers"))
                .header("Authorization", basic)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void guessingAPasswordThroughIceServersMeetsTheSameGuardAsSip() throws Exception {
    try (ServerFixture fx =
        new ServerFixture(
            dir, "auth.failures-per-source.limit=5", "auth.failures-per-account.limit=50")) {
      fx.provision("example.com", 1);
      ch.qos.logback.classic.Logger security =
          (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("evertone.security");
      ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
          new ch.qos.logback.core.read.ListAppender<>();
      lines.start();
      security.addAppender(lines);
      try {
        for (int i = 0; i < 5; i++) {
          assertThat(iceServers(fx, "u100000@example.com", "guess" + i).statusCode())
              .isEqualTo(401);
        }
        // blocked now: even the right password is not compared (the address holds no binding)
        HttpResponse<String> blocked = iceServers(fx, "u100000@example.com", "pwu100000");
        assertThat(blocked.statusCode()).isEqualTo(403);
        assertThat(blocked.body()).contains("too many failed attempts");
      } finally {
        security.detachAppender(lines);
      }
      assertThat(lines.list)
          .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .anyMatch(
              m ->
                  m.matches(
                      "authentication failed for u100000@example.com from 127\\.0\\.0\\.1 port \\d+"
                          + " \\(http\\): wrong password( \\[.*])?"))
          .contains("blocking 127.0.0.1 for 600 s after 5 failed authentications within 60 s");
    }
  }

  @Test
  void evertonesProbeChecksARealCoturnAsStunAndAsTurn() throws Exception {
    Peers.require("turnserver", "coturn");
    int port = Peers.freePort();
    Process coturn =
        new ProcessBuilder(
                "turnserver",
                "-n",
                "--listening-ip=127.0.0.1",
                "--relay-ip=127.0.0.1",
                "--listening-port=" + port,
                "--no-tls",
                "--no-dtls",
                "--lt-cred-mech",
                "--user=probe:probe-pw",
                "--realm=probe.test",
                "--no-cli",
                "--allow-loopback-peers",
                "--min-port=45000",
                "--max-port=45999",
                "--pidfile=" + dir.resolve("turn.pid"),
                "--log-file=stdout")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("coturn.log").toFile())
            .start();
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      List<dev.evertone.stun.StunProbe.Target> targets =
          List.of(new dev.evertone.stun.StunProbe.Target("coturn", address, "probe", "probe-pw"));
      io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      try (dev.evertone.stun.StunProbe probe =
          new dev.evertone.stun.StunProbe(
              targets,
              new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
              null,
              1000,
              java.time.Clock.systemUTC(),
              meters)) {
        dev.evertone.stun.StunProbe.Result r = null;
        long deadline = System.currentTimeMillis() + 10_000;
        do { // coturn takes a moment to listen
          probe.probeAll();
          r = probe.results().get(0);
        } while (!r.ok() && System.currentTimeMillis() < deadline);
        assertThat(r.ok())
            .as("%s\n%s", r, java.nio.file.Files.readString(dir.resolve("coturn.log")))
            .isTrue();
        assertThat(r.mapped()).isEqualTo(r.expected()).startsWith("127.0.0.1:");
      }
    } finally {
      coturn.destroy();
      coturn.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
