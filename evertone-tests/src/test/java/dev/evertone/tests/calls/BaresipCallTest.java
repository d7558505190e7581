package dev.evertone.tests.calls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.tests.support.Baresip;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real softphones call each other through evertone: baresip (Debian package) registers as 1001
 * and 1002 over UDP; 1002 answers automatically; 1001 dials, the call is established with audio
 * both ways (a 440 Hz tone, Opus), and 1001 hangs up when it quits, which 1002 hears as a BYE
 * through evertone.
 */
class BaresipCallTest {
  private static final String DOMAIN = "example.com";
  @TempDir Path dir;

  @Test
  void twoBaresipPhonesCallEachOtherThroughEvertone() throws Exception {
    Peers.require("baresip", "baresip");
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"))) {
      Baresip.lines(fx, DOMAIN, "1001", "1002");
      int server = fx.udp().getPort();
      Path callee =
          Baresip.phone(
              dir.resolve("callee"),
              DOMAIN,
              "1002",
              "pw-1002",
              server,
              Baresip.Audio.OPUS_440,
              ";answermode=auto");
      Path caller =
          Baresip.phone(
              dir.resolve("caller"), DOMAIN, "1001", "pw-1001", server, Baresip.Audio.OPUS_440, "");
      Process answering = Baresip.run(callee, 20, null);
      try {
        Baresip.awaitRegistered(fx, "sip:1002@" + DOMAIN, callee);

        Process dialling = Baresip.run(caller, 6, "/dial sip:1002@" + DOMAIN);
        assertThat(dialling.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String callerSaw = Files.readString(caller.resolve("out.txt"));
        assertThat(callerSaw)
            .as(callerSaw)
            .contains("SIP Progress: 180 Ringing")
            .contains("Call established: sip:1002@" + DOMAIN)
            .as("the answer's SDP reached the caller intact: media flows between the phones")
            .contains("incoming rtp for 'audio' established");

        long deadline = System.currentTimeMillis() + 5000;
        String calleeSaw;
        do {
          Thread.sleep(100);
          calleeSaw = Files.readString(callee.resolve("out.txt"));
        } while (!calleeSaw.contains("terminated") && System.currentTimeMillis() < deadline);
        assertThat(calleeSaw)
            .as(calleeSaw)
            .contains("Call established: sip:1001@" + DOMAIN)
            .contains("incoming rtp for 'audio' established")
            .as("the caller's BYE reached the callee")
            .contains("terminated");
      } finally {
        answering.destroy();
        answering.waitFor(10, TimeUnit.SECONDS);
      }
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.proxy.requests")
                  .tag("outcome", "in-dialog")
                  .counter()
                  .count())
          .as("the BYE went through evertone")
          .isGreaterThanOrEqualTo(1);
    }
  }
}
