package dev.evertone.tests.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.media.RelaySession;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.Baresip;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import io.micrometer.core.instrument.Counter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real softphones call through evertone with anchoring on (media.anchor=always): each phone's
 * SDP is rewritten to evertone's relay ports, so their audio passes through evertone's relay, and
 * each hears the other's tone - checked in what each recorded, not assumed from packet counts.
 */
class AnchoredCallTest {
  private static final String DOMAIN = "example.com";
  @TempDir Path dir;

  private static double relayed(ServerFixture fx, String direction) {
    Counter c =
        fx.server
            .meters()
            .find("evertone.media.packets")
            .tags("direction", direction, "outcome", "relayed")
            .counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void eachPhoneHearsTheOthersToneThroughTheRelay() throws Exception {
    Peers.require("baresip", "baresip");
    try (ServerFixture fx =
        new ServerFixture(dir.resolve("data"), "media.anchor=always", "media.host=127.0.0.1")) {
      Baresip.Call call =
          Baresip.call(fx, dir, DOMAIN, Baresip.Audio.G711_440, Baresip.Audio.G711_1000, 7);
      assertThat(call.callerSaw())
          .as(call.callerSaw() + "\nthe callee saw:\n" + call.calleeSaw())
          .contains("Call established: sip:1002@" + DOMAIN)
          .contains("incoming rtp for 'audio' established");
      Path caller = call.caller();
      Path callee = call.callee();
      // both directions went through the relay (each phone sent to the port its SDP was given)
      assertThat(relayed(fx, "a_to_b")).as("caller to callee, relayed").isGreaterThan(100);
      assertThat(relayed(fx, "b_to_a")).as("callee to caller, relayed").isGreaterThan(100);
      // and what arrived is the other side's tone, not silence, noise or its own
      assertThat(Baresip.medianShare(callee, 440, 50))
          .as("the callee hears the caller's 440 Hz")
          .isGreaterThan(0.8);
      assertThat(Baresip.medianShare(callee, 1000, 50))
          .as("and not its own 1000 Hz")
          .isLessThan(0.1);
      assertThat(Baresip.medianShare(caller, 1000, 50))
          .as("the caller hears the callee's 1000 Hz")
          .isGreaterThan(0.8);
      assertThat(Baresip.medianShare(caller, 440, 50)).as("and not its own 440 Hz").isLessThan(0.1);
      // the BYE freed the call's relay ports
      assertThat(fx.server.media().anchoredCalls()).isZero();
      assertThat(fx.server.meters().get("evertone.media.ports").gauge().value()).isZero();
    }
  }

  @Test
  void theKeysACallerPressesAreReadInOrderAndAStrangersPacketsChangeNothing() throws Exception {
    Peers.require("sipp", "sip-tester");
    Peers.require("baresip", "baresip");
    try (ServerFixture fx =
        new ServerFixture(dir.resolve("data"), "media.anchor=always", "media.host=127.0.0.1")) {
      Baresip.lines(fx, DOMAIN, "1001", "1002");
      Path callee =
          Baresip.phone(
              dir.resolve("callee"),
              DOMAIN,
              "1002",
              "pw-1002",
              fx.udp().getPort(),
              Baresip.Audio.G711_1000,
              ";answermode=auto");
      Process answering = Baresip.run(callee, 30, null);
      Process caller = null;
      try {
        Baresip.awaitRegistered(fx, "sip:1002@" + DOMAIN, callee);
        Path users =
            Files.writeString(
                dir.resolve("caller.csv"),
                "SEQUENTIAL\n1001;[authentication username=1001 password=pw-1001];1002\n");
        caller =
            new ProcessBuilder(
                    "sipp",
                    "-sf",
                    Peers.resource(dir, "sipp/uac-dtmf.xml").toString(),
                    "-inf",
                    users.toString(),
                    "127.0.0.1:" + fx.udp().getPort(),
                    "-i",
                    "127.0.0.1",
                    "-mi",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(Peers.freePort()),
                    "-mp",
                    Integer.toString(Peers.freePort() & ~1),
                    "-m",
                    "1",
                    "-timeout",
                    "30s",
                    "-nostdin")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sipp.txt").toFile())
                .start();
        // the digits are read while the call lasts (SIPp stays on the line 5 s after the last)
        String digits = "";
        String relay = "no anchored call seen";
        long deadline = System.currentTimeMillis() + 20_000;
        while (!digits.equals("123") && System.currentTimeMillis() < deadline) {
          Thread.sleep(50);
          for (String call : fx.server.media().anchoredCallIds()) {
            digits = fx.server.media().digits(call, true);
            relay = String.valueOf(fx.server.media().stats(call).orElse(null));
          }
        }
        assertThat(digits)
            .as("relay: %s%nSIPp: %s", relay, Files.readString(dir.resolve("sipp.txt")))
            .isEqualTo("123");
        // hostile media while the call lasts: garbage and RTP from a stranger at the caller's leg
        String call = fx.server.media().anchoredCallIds().get(0);
        RelaySession session = fx.server.media().session(call).orElseThrow();
        try (DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
          java.util.Random random = new java.util.Random(7);
          for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[1 + random.nextInt(300)];
            random.nextBytes(junk);
            junk[0] = (byte) (junk[0] & 0x3f); // not RTP version 2
            stranger.send(new DatagramPacket(junk, junk.length, session.a().localRtp()));
            // a well-formed key press from the stranger: after latching it is not the caller's
            byte[] rtp = {
              (byte) 0x80, 101, 0, (byte) i, 0, 1, 0, (byte) i, 0, 0, 0, 9, 7, 0, 0, 80
            };
            stranger.send(new DatagramPacket(rtp, rtp.length, session.a().localRtp()));
            if (i % 20 == 19) {
              Thread.sleep(5); // a burst, not a flood the kernel drops before the relay reads it
            }
          }
        }
        // a loaded loopback may still drop part of it: what arrives is counted, none of it relayed
        Await.until(
            java.time.Duration.ofSeconds(5),
            "the stranger's packets counted",
            () -> session.a().stats().foreign() >= 20 && session.a().stats().malformed() >= 20);
        assertThat(fx.server.media().digits(call, true))
            .as("no key of the stranger's")
            .isEqualTo("123");
        assertThat(caller.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(caller.exitValue()).as(Files.readString(dir.resolve("sipp.txt"))).isZero();
        assertThat(fx.server.meters().get("evertone.media.dtmf").counter().count()).isEqualTo(3);
      } finally {
        if (caller != null) {
          caller.destroy();
        }
        answering.destroy();
        answering.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
