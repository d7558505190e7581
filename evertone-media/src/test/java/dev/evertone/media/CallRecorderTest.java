package dev.evertone.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.media.audio.G711;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording of a call relayed between two plain sockets playing phones: each party's tone lands
 * on its own channel, and the relayed packets are the ones sent, unchanged.
 */
class CallRecorderTest {
  @TempDir Path dir;
  private final ExecutorService writer = Executors.newSingleThreadExecutor();
  private final MediaRelay relay =
      MediaRelay.start(
          MediaConfig.defaults(InetAddress.getLoopbackAddress())
              .withPorts(33_000, 33_099)
              .withIoThreads(1),
          new SimpleMeterRegistry(),
          s -> {});

  @AfterEach
  void close() throws InterruptedException {
    relay.close();
    writer.shutdown();
    assertThat(writer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * 20 ms of a sine of {@code hertz} from sample {@code n0}, half of full scale, in {@code law}.
   */
  private static byte[] tone(G711 law, double hertz, int n0) {
    byte[] out = new byte[160];
    for (int i = 0; i < 160; i++) {
      out[i] = law.encode((short) (16_000 * Math.sin(2 * Math.PI * hertz * (n0 + i) / 8000.0)));
    }
    return out;
  }

  /** The share of {@code hertz} in each 20 ms block of {@code samples}, median (Goertzel). */
  static double share(double[] samples, double hertz) {
    java.util.List<Double> shares = new java.util.ArrayList<>();
    for (int start = 0; start + 160 <= samples.length; start += 160) {
      double energy = 0;
      for (int i = start; i < start + 160; i++) {
        energy += samples[i] * samples[i];
      }
      if (energy / 160 < 1e-5) {
        continue;
      }
      double w = 2 * Math.PI * Math.round(hertz * 160 / 8000) / 160;
      double coeff = 2 * Math.cos(w);
      double s1 = 0;
      double s2 = 0;
      for (int i = start; i < start + 160; i++) {
        double s0 = samples[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      shares.add(Math.min(1, 2 * (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (160 * energy)));
    }
    if (shares.isEmpty()) {
      return 0;
    }
    java.util.Collections.sort(shares);
    return shares.get(shares.size() / 2);
  }

  private static double[][] channels(Path wav) throws Exception {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      assertThat(in.getFormat().getChannels()).isEqualTo(2);
      byte[] bytes = in.readAllBytes();
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      int frames = bytes.length / 4;
      double[][] out = new double[2][frames];
      for (int i = 0; i < frames; i++) {
        out[0][i] = b.getShort(i * 4) / 32768.0;
        out[1][i] = b.getShort(i * 4 + 2) / 32768.0;
      }
      return out;
    }
  }

  @Test
  void eachPartysToneIsOnItsOwnChannelAndTheRelayedPacketsAreTheOnesSent() throws Exception {
    try (Phone caller = new Phone("127.0.0.1");
        Phone callee = new Phone("127.0.0.1")) {
      RelaySession s = relay.open("call-rec");
      s.a().remote(caller.address(), null, false);
      s.b().remote(callee.address(), null, false);
      Path wav = dir.resolve("call.wav");
      AtomicLong ended = new AtomicLong(-1);
      CallRecorder r =
          CallRecorder.start(
              s, wav, writer, CallRecorder.Options.defaults(), (rec, b, f) -> ended.set(b));
      long next = System.nanoTime();
      for (int seq = 0; seq < 100; seq++) {
        byte[] up = Phone.rtp(0, seq, 160L * seq, 0x1111, tone(G711.PCMU, 440, 160 * seq));
        caller.send(up, s.a().localRtp());
        byte[] down =
            Phone.rtp(8, seq, 5000 + 160L * seq, 0x2222, tone(G711.PCMA, 1000, 160 * seq));
        callee.send(down, s.b().localRtp());
        DatagramPacket atCallee = callee.receive();
        assertThat(Arrays.copyOf(atCallee.getData(), atCallee.getLength())).isEqualTo(up);
        assertThat(caller.receiveBytes()).isEqualTo(down);
        next += 20_000_000;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
      }
      r.stop();
      long bytes = r.done().get(5, TimeUnit.SECONDS);
      assertThat(ended.get()).isEqualTo(bytes);
      // two seconds of sending: about two seconds of recording (the clock ran meanwhile)
      assertThat(bytes / 32_000.0).isBetween(1.6, 2.6);
      assertThat(Files.size(wav)).isEqualTo(44 + bytes);
      double[][] ch = channels(wav);
      assertThat(share(ch[0], 440)).as("left: the caller's 440 Hz").isGreaterThan(0.8);
      assertThat(share(ch[0], 1000)).as("left: not the callee's").isLessThan(0.1);
      assertThat(share(ch[1], 1000)).as("right: the callee's 1000 Hz").isGreaterThan(0.8);
      assertThat(share(ch[1], 440)).as("right: not the caller's").isLessThan(0.1);
      s.close();
    }
  }

  @Test
  void aPartyWithACodecEvertoneDoesNotDecodeIsSilenceAndTheRecordingEndsWithTheSession()
      throws Exception {
    try (Phone caller = new Phone("127.0.0.1");
        Phone callee = new Phone("127.0.0.1")) {
      RelaySession s = relay.open("call-g722");
      s.a().remote(caller.address(), null, false);
      s.b().remote(callee.address(), null, false);
      Path wav = dir.resolve("g722.wav");
      CallRecorder r =
          CallRecorder.start(s, wav, writer, CallRecorder.Options.defaults(), (rec, b, f) -> {});
      for (int seq = 0; seq < 25; seq++) {
        caller.send(Phone.rtp(9, seq, 160L * seq, 1, new byte[160]), s.a().localRtp()); // G.722
        callee.send(
            Phone.rtp(0, seq, 160L * seq, 2, tone(G711.PCMU, 1000, 160 * seq)), s.b().localRtp());
        caller.receive();
        callee.receive();
        Thread.sleep(20);
      }
      s.close(); // the call ends: the recording with it
      long bytes = r.done().get(5, TimeUnit.SECONDS);
      assertThat(bytes).isPositive();
      double[][] ch = channels(wav);
      assertThat(Arrays.stream(ch[0]).allMatch(v -> v == 0)).as("left: silence").isTrue();
      assertThat(share(ch[1], 1000)).isGreaterThan(0.8);
    }
  }

  @Test
  void theAnnouncementIsPlayedToBothPartiesInTheLawTheyNegotiatedThenTheyHearEachOtherAgain()
      throws Exception {
    short[] beep = new short[8 * 160]; // 160 ms
    java.util.Arrays.fill(beep, (short) 8000);
    dev.evertone.media.audio.AudioClip clip =
        dev.evertone.media.audio.AudioClip.of("test prompt", beep);
    try (Phone caller = new Phone("127.0.0.1");
        Phone callee = new Phone("127.0.0.1")) {
      RelaySession s = relay.open("call-announced");
      s.a().remote(caller.address(), null, false);
      s.b().remote(callee.address(), null, false);
      CallRecorder r =
          CallRecorder.start(
              s,
              dir.resolve("announced.wav"),
              writer,
              new CallRecorder.Options(
                  java.time.Duration.ofMillis(60),
                  java.time.Duration.ofSeconds(10),
                  java.time.Duration.ofSeconds(1),
                  clip),
              (rec, b, f) -> {});
      // both parties send A-law: what each is played is A-law with the payload type they use
      java.util.List<byte[]> atCaller = new java.util.ArrayList<>();
      for (int seq = 0; seq < 40; seq++) {
        caller.send(
            Phone.rtp(8, seq, 160L * seq, 1, tone(G711.PCMA, 440, 160 * seq)), s.a().localRtp());
        callee.send(
            Phone.rtp(8, seq, 160L * seq, 2, tone(G711.PCMA, 1000, 160 * seq)), s.b().localRtp());
        Thread.sleep(20);
      }
      for (DatagramPacket p; (p = caller.receiveWithin(100)) != null; ) {
        atCaller.add(Arrays.copyOf(p.getData(), p.getLength()));
      }
      assertThat(s.a().stats().played()).as("played to the caller").isEqualTo(8);
      assertThat(s.b().stats().played()).as("played to the callee").isEqualTo(8);
      byte[] beepAlaw = new byte[160];
      java.util.Arrays.fill(beepAlaw, G711.PCMA.encode((short) 8000));
      long prompt =
          atCaller.stream()
              .filter(p -> (p[1] & 0x7f) == 8)
              .filter(p -> Arrays.equals(Arrays.copyOfRange(p, 12, p.length), beepAlaw))
              .count();
      assertThat(prompt).as("the prompt's packets, A-law").isEqualTo(8);
      assertThat(s.a().isPlaying()).as("then the callee again").isFalse();
      assertThat(atCaller.get(atCaller.size() - 1)[11]).as("the callee's SSRC").isEqualTo((byte) 2);
      r.stop();
      r.done().get(5, TimeUnit.SECONDS);
      s.close();
    }
  }

  @Test
  void aSessionThatHasClosedIsNotRecorded() throws Exception {
    RelaySession s = relay.open("call-gone");
    s.close();
    Path wav = dir.resolve("gone.wav");
    try {
      CallRecorder.start(s, wav, writer, CallRecorder.Options.defaults(), (rec, b, f) -> {});
      throw new AssertionError("started");
    } catch (IllegalStateException e) {
      assertThat(e).hasMessageContaining("call-gone").hasMessageContaining("has ended");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
