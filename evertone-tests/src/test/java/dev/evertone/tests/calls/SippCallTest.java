package dev.evertone.tests.calls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.provisioning.TrunkSpec;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real user agents call through evertone: a SIPp phone registers as "callee" and answers (echoing
 * Record-Route as phones do), a SIPp caller places calls as the benchmark users - INVITE, 407, ACK,
 * INVITE with digest, 100/180/200, ACK and BYE along the route set - the scenarios of the call
 * benchmark (bench/calls.sh). And a SIPp carrier behind a trunk takes the calls of an extension
 * that is not registered (its forwarding rule).
 */
class SippCallTest {
  @TempDir Path dir;

  /**
   * A SIPp phone registered as "callee" (password pwcallee), then answering with {@code scenario}
   * on the same port.
   */
  private Process callee(ServerFixture fx, String scenario) throws Exception {
    fx.provisioning()
        .addDevice(
            new NewDevice(
                "bench.test",
                "callee",
                null,
                null,
                null,
                null,
                List.of(new NewLine(null, "callee", "pwcallee"))));
    int phonePort = Peers.freePort();
    Path callee = dir.resolve("callee.csv");
    java.nio.file.Files.writeString(
        callee, "SEQUENTIAL\ncallee;[authentication username=callee password=pwcallee]\n");
    Peers.Run registered =
        Peers.run(
            dir,
            30,
            "sipp",
            "-sf",
            Peers.resource(dir, "peers/sipp-register-callee.xml").toString(),
            "-inf",
            callee.toString(),
            "-i",
            "127.0.0.1",
            "-p",
            Integer.toString(phonePort),
            "-m",
            "1",
            "-nostdin",
            server(fx));
    assertThat(registered.exit()).as(registered.output()).isZero();
    return new ProcessBuilder(
            "sipp",
            "-sf",
            Peers.resource(dir, "peers/" + scenario).toString(),
            "-i",
            "127.0.0.1",
            "-p",
            Integer.toString(phonePort),
            "-nostdin")
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(scenario + ".out").toFile())
        .start();
  }

  private static String server(ServerFixture fx) {
    return "127.0.0.1:" + fx.udp().getPort();
  }

  /**
   * {@code count} calls of the SIPp caller {@code scenario} (users u100000.., password "pw" +
   * user); fails unless every call went as written.
   */
  private void calls(ServerFixture fx, String scenario, int count, int rate) throws Exception {
    Path stats = dir.resolve(scenario + ".csv");
    Peers.Run calls =
        Peers.run(
            dir,
            120,
            "sipp",
            "-sf",
            Peers.resource(dir, "peers/" + scenario).toString(),
            "-inf",
            Peers.users(dir, 20, "pw").toString(),
            "-i",
            "127.0.0.1",
            "-p",
            Integer.toString(Peers.freePort()),
            "-m",
            Integer.toString(count),
            "-r",
            Integer.toString(rate),
            "-trace_stat",
            "-stf",
            stats.toString(),
            "-nostdin",
            server(fx));
    assertThat(calls.exit())
        .as("SIPp exits 0 when every call went as its scenario says:\n%s", calls.output())
        .isZero();
    assertThat(Peers.sippStat(stats, "SuccessfulCall(C)")).isEqualTo(Integer.toString(count));
    assertThat(Peers.sippStat(stats, "FailedCall(C)")).isEqualTo("0");
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    p.waitFor(5, TimeUnit.SECONDS);
  }

  @Test
  void sippPhonesCallEachOtherThroughEvertone() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"))) {
      fx.provision("bench.test", 20);
      Process phone = callee(fx, "sipp-uas-rr.xml");
      try {
        calls(fx, "sipp-uac-proxy-auth.xml", 300, 100);
      } finally {
        stop(phone);
      }
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.proxy.requests")
                  .tag("outcome", "forwarded")
                  .counter()
                  .count())
          .as("one INVITE forwarded per call")
          .isEqualTo(300);
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.proxy.requests")
                  .tag("outcome", "in-dialog")
                  .counter()
                  .count())
          .as("one BYE per call (ACKs go without a transaction)")
          .isEqualTo(300);
    }
  }

  @Test
  void aBusyPhoneAndACallerThatHangsUpWhileItRings() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"))) {
      fx.provision("bench.test", 20);
      Process busy = callee(fx, "sipp-uas-busy.xml");
      try {
        calls(fx, "sipp-uac-busy.xml", 50, 50); // 486 passed back, ACKed hop by hop on both sides
      } finally {
        stop(busy);
      }
      fx.provisioning()
          .removeDevice(
              "bench.test", fx.provisioning().devices("bench.test", null, "callee").get(0).id());
      Process ringing = callee(fx, "sipp-uas-ring.xml");
      try {
        calls(fx, "sipp-uac-cancel.xml", 50, 50); // CANCEL passed on, 487 back
      } finally {
        stop(ringing);
      }
    }
  }

  @Test
  void callsToAnUnregisteredExtensionGoToItsForwardNumberOnASippCarrier() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"))) {
      fx.provision("bench.test", 20);
      fx.provisioning()
          .addDevice(
              new NewDevice(
                  "bench.test",
                  "callee",
                  null,
                  null,
                  null,
                  null,
                  List.of(new NewLine(null, "callee", "pwcallee"))));
      int carrierPort = Peers.freePort();
      fx.provisioning().setDialPlan("bench.test", "49", "0", "00");
      fx.provisioning()
          .putTrunk(
              "bench.test",
              "sipp-carrier",
              new TrunkSpec("127.0.0.1", carrierPort, "udp", null, null, null, null, null));
      fx.provisioning().setForwarding("bench.test", "callee", "unregistered", "017612345678", null);
      long deadline = System.currentTimeMillis() + 5000;
      while (fx.server.meters().get("evertone.routing.forward.rules").gauge().value() < 1
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      // the carrier answers every call, as the called phone of the first test does
      Process carrier =
          new ProcessBuilder(
                  "sipp",
                  "-sf",
                  Peers.resource(dir, "peers/sipp-uas-rr.xml").toString(),
                  "-i",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(carrierPort),
                  "-nostdin")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("carrier.out").toFile())
              .start();
      try {
        calls(fx, "sipp-uac-proxy-auth.xml", 50, 50); // every call answered by the carrier
      } finally {
        stop(carrier);
      }
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.proxy.requests")
                  .tag("outcome", "forwarded-by-rule")
                  .counter()
                  .count())
          .isEqualTo(50);
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.proxy.requests")
                  .tag("outcome", "to-trunk")
                  .counter()
                  .count())
          .isEqualTo(50);
    }
  }
}
