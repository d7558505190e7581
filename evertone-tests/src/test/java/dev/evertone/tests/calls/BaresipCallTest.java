package dev.evertone.tests.calls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.tests.support.Baresip;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import java.nio.file.Path;
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
      Baresip.Call call =
          Baresip.call(fx, dir, DOMAIN, Baresip.Audio.OPUS_440, Baresip.Audio.OPUS_440, 6);
      assertThat(call.callerSaw())
          .as(call.callerSaw())
          .contains("SIP Progress: 180 Ringing")
          .contains("Call established: sip:1002@" + DOMAIN)
          .as("the answer's SDP reached the caller intact: media flows between the phones")
          .contains("incoming rtp for 'audio' established");
      assertThat(call.calleeSaw())
          .as(call.calleeSaw())
          .contains("Call established: sip:1001@" + DOMAIN)
          .contains("incoming rtp for 'audio' established")
          .as("the caller's BYE reached the callee")
          .contains("terminated");
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
