package dev.evertone.tests.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.media.RelaySession;
import dev.evertone.tests.support.AnsweringPhone;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.Baresip;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.Tones;
import dev.evertone.tests.support.UdpClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hold in an anchored call between two real softphones: the caller presses hold (baresip sends a
 * re-INVITE with a=sendonly), the callee hears evertone's music on hold instead of the caller; the
 * caller resumes and both hear each other again. What the held phone heard is checked by frequency,
 * frame by frame.
 */
class HoldTest {
  private static final String DOMAIN = "example.com";
  private static final int MUSIC_HZ = 700;
  @TempDir Path dir;

  /**
   * The tone that dominates each non-silent frame a phone heard (0: none of {@code tones} has more
   * than 60% of its energy), in order of arrival.
   */
  private static List<Integer> dominant(List<AnsweringPhone.Frame> frames, int... tones) {
    List<Integer> blocks = new ArrayList<>();
    for (AnsweringPhone.Frame f : frames) {
      double[] block = new double[f.samples().length];
      for (int i = 0; i < block.length; i++) {
        block[i] = f.samples()[i] / 32768.0;
      }
      int found = 0;
      boolean silent = true;
      for (int hz : tones) {
        List<Double> share = Tones.shares(block, 8000, hz);
        silent = share.isEmpty();
        if (!silent && share.get(0) > 0.6) {
          found = hz;
        }
      }
      if (!silent) {
        blocks.add(found);
      }
    }
    return blocks;
  }

  /** The runs of equal values: value and length, in order. */
  private static List<int[]> runs(List<Integer> blocks, int minLength) {
    List<int[]> runs = new ArrayList<>();
    int i = 0;
    while (i < blocks.size()) {
      int j = i;
      while (j < blocks.size() && blocks.get(j).equals(blocks.get(i))) {
        j++;
      }
      if (j - i >= minLength && blocks.get(i) != 0) {
        if (!runs.isEmpty() && runs.get(runs.size() - 1)[0] == blocks.get(i)) {
          runs.get(runs.size() - 1)[1] += j - i; // the same tone after a short blip
        } else {
          runs.add(new int[] {blocks.get(i), j - i});
        }
      }
      i = j;
    }
    return runs;
  }

  private static String describe(List<int[]> runs) {
    StringBuilder s = new StringBuilder();
    for (int[] r : runs) {
      s.append(r[0]).append(" Hz x ").append(r[1]).append("; ");
    }
    return s.toString();
  }

  @Test
  void theHeldPartyHearsTheMusicAndAfterResumeBothHearEachOtherAgain() throws Exception {
    Peers.require("baresip", "baresip");
    Path music = Tones.write(dir.resolve("music.wav"), MUSIC_HZ, 5, 16_000);
    try (ServerFixture fx =
        new ServerFixture(
            dir.resolve("data"),
            "media.anchor=always",
            "media.host=127.0.0.1",
            "media.music-on-hold=" + music)) {
      Baresip.lines(fx, DOMAIN, "1001", "1002");
      int server = fx.udp().getPort();
      // the held party: a phone whose every received frame is kept (see AnsweringPhone)
      UdpClient sip =
          new UdpClient(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), server));
      assertThat(DigestRegister.register(sip, "1002", DOMAIN, "pw-1002")).isEqualTo(200);
      Path caller =
          Baresip.phone(
              dir.resolve("caller"), DOMAIN, "1001", "pw-1001", server, Baresip.Audio.G711_440, "");
      Process dialling = null;
      try (sip;
          AnsweringPhone callee = new AnsweringPhone(sip, 1000)) {
        dialling = Baresip.run(caller, 20, "/dial sip:1002@" + DOMAIN);
        Await.until(
            Duration.ofSeconds(10),
            "the call is anchored and both phones send",
            () ->
                fx.server.media().anchoredCalls() == 1
                    && fx.server
                        .media()
                        .session(fx.server.media().anchoredCallIds().get(0))
                        .map(
                            s ->
                                s.a().stats().packetsReceived() > 50
                                    && s.b().stats().packetsReceived() > 50)
                        .orElse(false));
        RelaySession session =
            fx.server.media().session(fx.server.media().anchoredCallIds().get(0)).orElseThrow();
        Thread.sleep(2000);
        // the caller presses hold: baresip re-INVITEs with a=sendonly
        Baresip.command(caller, "hold");
        Await.until(Duration.ofSeconds(5), "the callee hears the music", session.b()::isPlaying);
        Thread.sleep(4000);
        Baresip.command(caller, "resume");
        Await.until(Duration.ofSeconds(5), "the music stops", () -> !session.b().isPlaying());
        long toCallerAtResume = session.a().stats().packetsSent();
        Thread.sleep(3000);
        long toCallerAfterResume = session.a().stats().packetsSent() - toCallerAtResume;
        Baresip.command(caller, "hangup");
        assertThat(dialling.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<int[]> calleeHeard = runs(dominant(callee.heard(), 440, MUSIC_HZ), 10);
        String what =
            "relay: "
                + session.stats()
                + "\ncallee heard: "
                + describe(calleeHeard)
                + "\ncallee got: "
                + callee.requests()
                + "\ncaller:\n"
                + Files.readString(caller.resolve("out.txt"));
        // the callee: the caller, then about 4 s of music, then the caller again
        assertThat(calleeHeard).as(what).hasSize(3);
        assertThat(calleeHeard.get(0)[0]).as(what).isEqualTo(440);
        assertThat(calleeHeard.get(1)[0]).as(what).isEqualTo(MUSIC_HZ);
        assertThat(calleeHeard.get(1)[1]).as(what).isGreaterThan(150); // > 3 s
        assertThat(calleeHeard.get(2)[0]).as(what).isEqualTo(440);
        assertThat(calleeHeard.get(2)[1]).as(what).isGreaterThan(75); // > 1.5 s after resume
        // the caller heard the callee before the hold (baresip's dump of what it decodes stops at
        // its first re-INVITE, so after the resume the relay's count tells: 3 s at 50 a second)
        Path callerDump = java.util.Objects.requireNonNull(Baresip.heard(caller), what);
        List<Double> callerHeard =
            Tones.shares(Tones.samples(callerDump, 0), Tones.rate(callerDump), 1000);
        assertThat(callerHeard.stream().filter(x -> x > 0.8).count()).as(what).isGreaterThan(50);
        assertThat(toCallerAfterResume).as(what).isGreaterThan(100);
        assertThat(fx.server.meters().get("evertone.media.holds").counter().count()).isOne();
        assertThat(session.b().stats().played()).as(what).isGreaterThan(150);
      } finally {
        if (dialling != null) {
          dialling.destroy();
        }
      }
    }
  }
}
