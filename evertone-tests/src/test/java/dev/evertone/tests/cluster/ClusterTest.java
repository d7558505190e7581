package dev.evertone.tests.cluster;

import static dev.evertone.tests.support.CallingPhone.answer;
import static dev.evertone.tests.support.CallingPhone.headers;
import static dev.evertone.tests.support.CallingPhone.next;
import static dev.evertone.tests.support.CallingPhone.nextResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.testing.TestDatabases;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.CallingPhone;
import dev.evertone.tests.support.DeviceAnswers;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.UdpClient;
import dev.evertone.tests.support.WebSocketClient;
import dev.evertone.tls.testing.TestPki;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two evertone nodes on one PostgreSQL: a call entering node B reaches devices registered on node A
 * - a UDP phone through A (which holds its NAT mapping) and a browser over its WebSocket connection
 * to A - and the call's in-dialog requests travel B and A both ways. When A stops, B notices and
 * reaches A's UDP phone directly.
 */
class ClusterTest {
  private static final String DOMAIN = "example.com";
  @TempDir Path dir;

  private static void await(ServerFixture fx, String state, double count)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (fx.server.meters().get("evertone.cluster.nodes").tag("state", state).gauge().value()
            != count
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(fx.server.meters().get("evertone.cluster.nodes").tag("state", state).gauge().value())
        .as("nodes " + state)
        .isEqualTo(count);
  }

  @Test
  void aCallEnteringOneNodeReachesDevicesOfTheOtherAndUdpDevicesOfAStoppedNodeDirectly()
      throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    List<String> common =
        List.of(
            "store.url=" + TestDatabases.freshPostgresUrl(),
            "store.secret-key-file=" + dir.resolve("cluster.key"),
            "auth.nonce-secret=" + Base64.getEncoder().encodeToString(secret),
            "cluster.heartbeat-interval=200ms",
            "registrar.persist-interval=100ms",
            "status.interval=200ms");
    Instant now = Instant.now();
    TestPki.Issued root =
        TestPki.root("Cluster Root", now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS));
    List<String> onA = new ArrayList<>(common);
    onA.add("cluster.node-id=a");
    List<String> onB = new ArrayList<>(common);
    onB.add("cluster.node-id=b");
    ServerFixture a =
        ServerFixture.withCertificate(
            java.nio.file.Files.createDirectories(dir.resolve("a")),
            root,
            DOMAIN,
            onA.toArray(String[]::new));
    try (ServerFixture b = new ServerFixture(dir.resolve("b"), onB.toArray(String[]::new));
        UdpClient callerSocket = new UdpClient(b.udp());
        UdpClient desk = new UdpClient(a.udp());
        WebSocketClient browser =
            new WebSocketClient(
                URI.create("wss://127.0.0.1:" + a.address(TransportType.WSS).getPort() + "/"),
                root.cert())) {
      a.provision(DOMAIN, 4);
      await(a, "up", 1);
      await(b, "up", 1);
      assertThat(DigestRegister.register(callerSocket, "u100001", DOMAIN, "pwu100001"))
          .isEqualTo(200);
      assertThat(DigestRegister.register(desk, "u100002", DOMAIN, "pwu100002")).isEqualTo(200);
      assertThat(DigestRegister.register(browser, "u100003", DOMAIN, "pwu100003")).isEqualTo(200);
      Thread.sleep(500); // A writes its registrations behind, every 100 ms here
      CallingPhone caller = new CallingPhone(callerSocket, "u100001", "pwu100001", DOMAIN);

      // B -> A -> the desk phone, and BYE back the same way
      CallingPhone.Call call = caller.dial("sip:u100002@" + DOMAIN);
      String atDesk = next(desk, "INVITE");
      List<String> vias = headers(atDesk, "Via");
      assertThat(vias).as("through A, which holds the phone's NAT mapping, after B").hasSize(3);
      assertThat(vias.get(0)).contains("127.0.0.1:" + a.udp().getPort());
      assertThat(vias.get(1)).contains("127.0.0.1:" + b.udp().getPort());
      assertThat(headers(atDesk, "Record-Route")).as("two entries of each node").hasSize(4);
      assertThat(atDesk).as("A removed its own Route entry").doesNotContainPattern("(?m)^Route:");
      desk.send(answer(atDesk, "200 OK", desk));
      String ok = nextResponse(callerSocket, 200);
      List<String> routes = new ArrayList<>(headers(ok, "Record-Route"));
      Collections.reverse(routes);
      call.branch = "z9hG4bK" + System.nanoTime();
      callerSocket.send(
          caller.ack(call, CallingPhone.toOf(ok), "sip:phone@127.0.0.1:" + desk.port(), routes));
      assertThat(next(desk, "ACK")).doesNotContainPattern("(?m)^Route:");
      String bye =
          caller
              .ack(call, CallingPhone.toOf(ok), "sip:phone@127.0.0.1:" + desk.port(), routes)
              .replace("ACK ", "BYE ")
              .replace(" ACK\r\n", " BYE\r\n")
              .replace("CSeq: 2 BYE", "CSeq: 3 BYE")
              .replace("branch=" + call.branch, "branch=z9hG4bKbye" + System.nanoTime());
      callerSocket.send(bye);
      String byeAtDesk = next(desk, "BYE");
      desk.send(DeviceAnswers.answer(byeAtDesk, "200 OK"));
      assertThat(nextResponse(callerSocket, 200)).contains("CSeq: 3 BYE");

      // B -> A -> the browser, over the WebSocket it opened to A
      caller.dial("sip:u100003@" + DOMAIN);
      String atBrowser = browser.receive();
      assertThat(atBrowser).startsWith("INVITE ").contains("Via: SIP/2.0/WSS");
      browser.send(DeviceAnswers.answer(atBrowser, "486 Busy Here"));
      assertThat(nextResponse(callerSocket, 486)).contains("CSeq: 2 INVITE");
      assertThat(
              a.server
                  .meters()
                  .get("evertone.proxy.requests")
                  .tag("outcome", "relayed-for-node")
                  .counter()
                  .count())
          .isEqualTo(2);

      // A stops: B reaches A's UDP phone from its own socket
      a.close();
      await(b, "down", 1);
      caller.dial("sip:u100002@" + DOMAIN);
      String direct = next(desk, "INVITE");
      assertThat(headers(direct, "Via")).hasSize(2);
      assertThat(headers(direct, "Via").get(0)).contains("127.0.0.1:" + b.udp().getPort());
      desk.sendTo(
          answer(direct, "200 OK", desk),
          b.udp()); // a phone answers where the top Via says (RFC 3261 18.2.2)
      assertThat(nextResponse(callerSocket, 200)).contains("CSeq: 2 INVITE");

      // and B's status page says so by itself: one incident for the cluster, whichever node reads
      // it
      Await.until(
          java.time.Duration.ofSeconds(10),
          "an incident on b",
          () -> !b.status().service().incidents(IncidentKind.INCIDENT, true, 10).isEmpty());
      assertThat(b.status().service().incidents(IncidentKind.INCIDENT, true, 10))
          .singleElement()
          .satisfies(
              i -> {
                assertThat(i.name()).isEqualTo("A cluster node is down");
                assertThat(i.monitor()).isEqualTo("cluster-nodes");
                assertThat(i.updates().get(0).body()).contains("node a stopped answering");
              });
    } finally {
      a.close();
    }
  }
}
