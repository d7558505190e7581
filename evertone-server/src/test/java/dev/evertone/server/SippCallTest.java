package dev.evertone.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.provisioning.TrunkSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real user agents call through evertone: a SIPp phone registers as "callee" and answers (echoing Record-Route
 * as phones do), a SIPp caller places calls as the benchmark users - INVITE, 407, ACK, INVITE with digest,
 * 100/180/200, ACK and BYE along the route set - the scenarios of the call benchmark (bench/calls.sh). And a SIPp
 * carrier behind a trunk takes the calls of an extension that is not registered (its forwarding rule).
 */
class SippCallTest {
  @TempDir Path dir;

  @Test
  void sippPhonesCallEachOtherThroughEvertone() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"))) {
      fx.provision("bench.test", 20);
      fx.provisioning().addDevice(new NewDevice("bench.test", "callee", null, null, null, null, List.of(new NewLine(null, "callee", "pwcallee"))));
      String server = "127.0.0.1:" + fx.udp().getPort();
      int phonePort = Peers.freePort();
      Path callee = dir.resolve("callee.csv");
      java.nio.file.Files.writeString(callee, "SEQUENTIAL\ncallee;[authentication username=callee password=pwcallee]\n");
      Peers.Run registered = Peers.run(dir, 30, "sipp", "-sf", Peers.resource(dir, "peers/sipp-register-callee.xml").toString(),
          "-inf", callee.toString(), "-i", "127.0.0.1", "-p", Integer.toString(phonePort), "-m", "1", "-nostdin", server);
      assertThat(registered.exit()).as(registered.output()).isZero();

      Process phone = new ProcessBuilder("sipp", "-sf", Peers.resource(dir, "peers/sipp-uas-rr.xml").toString(), "-i", "127.0.0.1",
          "-p", Integer.toString(phonePort), "-nostdin").directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("uas.out").toFile()).start();
      try {
        Peers.Run calls = Peers.run(dir, 120, "sipp", "-sf", Peers.resource(dir, "peers/sipp-uac-proxy-auth.xml").toString(),
            "-inf", Peers.users(dir, 20, "pw").toString(), "-i", "127.0.0.1", "-p", Integer.toString(Peers.freePort()),
            "-m", "300", "-r", "100", "-trace_stat", "-stf", "calls.csv", "-nostdin", server);
        assertThat(calls.exit()).as("SIPp exits 0 when every call succeeded:\n%s", calls.output()).isZero();
        assertThat(Peers.sippStat(dir.resolve("calls.csv"), "SuccessfulCall(C)")).isEqualTo("300");
        assertThat(Peers.sippStat(dir.resolve("calls.csv"), "FailedCall(C)")).isEqualTo("0");
      } finally {
        phone.destroy();
        phone.waitFor(5, TimeUnit.SECONDS);
      }
      assertThat(fx.server.meters().get("evertone.proxy.requests").tag("outcome", "forwarded").counter().count())
          .as("one INVITE forwarded per call").isEqualTo(300);
      assertThat(fx.server.meters().get("evertone.proxy.requests").tag("outcome", "in-dialog").counter().count())
          .as("one BYE per call (ACKs go without a transaction)").isEqualTo(300);
    }
  }

  @Test
  void callsToAnUnregisteredExtensionGoToItsForwardNumberOnASippCarrier() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"))) {
      fx.provision("bench.test", 20);
      fx.provisioning().addDevice(new NewDevice("bench.test", "callee", null, null, null, null, List.of(new NewLine(null, "callee", "pwcallee"))));
      int carrierPort = Peers.freePort();
      fx.provisioning().setDialPlan("bench.test", "49", "0", "00");
      fx.provisioning().putTrunk("bench.test", "sipp-carrier", new TrunkSpec("127.0.0.1", carrierPort, "udp", null, null,
          null, null, null));
      fx.provisioning().setForwarding("bench.test", "callee", "unregistered", "017612345678", null);
      long deadline = System.currentTimeMillis() + 5000;
      while (fx.server.meters().get("evertone.routing.forward.rules").gauge().value() < 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      // the carrier answers every call, as the called phone of the first test does
      Process carrier = new ProcessBuilder("sipp", "-sf", Peers.resource(dir, "peers/sipp-uas-rr.xml").toString(), "-i", "127.0.0.1",
          "-p", Integer.toString(carrierPort), "-nostdin").directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("carrier.out").toFile()).start();
      try {
        Peers.Run calls = Peers.run(dir, 120, "sipp", "-sf", Peers.resource(dir, "peers/sipp-uac-proxy-auth.xml").toString(),
            "-inf", Peers.users(dir, 20, "pw").toString(), "-i", "127.0.0.1", "-p", Integer.toString(Peers.freePort()),
            "-m", "50", "-r", "50", "-nostdin", "127.0.0.1:" + fx.udp().getPort());
        assertThat(calls.exit()).as("every call answered by the carrier:\n%s", calls.output()).isZero();
      } finally {
        carrier.destroy();
        carrier.waitFor(5, TimeUnit.SECONDS);
      }
      assertThat(fx.server.meters().get("evertone.proxy.requests").tag("outcome", "forwarded-by-rule").counter().count()).isEqualTo(50);
      assertThat(fx.server.meters().get("evertone.proxy.requests").tag("outcome", "to-trunk").counter().count()).isEqualTo(50);
    }
  }
}
