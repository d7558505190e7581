package dev.evertone.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitterBufferTest {
  private static final int F = JitterBuffer.FRAME;

  /** A frame whose every sample is {@code value}: which packet played is read off the output. */
  private static short[] frame(int value) {
    short[] s = new short[F];
    java.util.Arrays.fill(s, (short) value);
    return s;
  }

  private static int next(JitterBuffer b) {
    short[] out = new short[F];
    b.take(out, 0);
    for (short s : out) {
      assertThat(s).as("one frame's samples are alike").isEqualTo(out[0]);
    }
    return out[0];
  }

  @Test
  void beforeTheFirstPacketTheFramesAreSilence() {
    JitterBuffer b = new JitterBuffer(3, 10, 5);
    assertThat(next(b)).isZero();
    assertThat(next(b)).isZero();
  }

  @Test
  void packetsReorderedWithinTheDelayPlayInTimestampOrderAfterIt() {
    JitterBuffer b = new JitterBuffer(3, 10, 5);
    int ts = 0x7fff_ff00; // and the timestamp wraps on the way (RFC 3550 5.1)
    b.put(9, ts, frame(1000), 0, F);
    b.put(9, ts + 2 * F, frame(3000), 0, F);
    b.put(9, ts + F, frame(2000), 0, F);
    assertThat(new int[] {next(b), next(b), next(b)}).containsExactly(0, 0, 0);
    assertThat(next(b)).isEqualTo(1000);
    b.put(9, ts + 3 * F, frame(4000), 0, F);
    assertThat(next(b)).isEqualTo(2000);
    assertThat(next(b)).isEqualTo(3000);
    assertThat(next(b)).isEqualTo(4000);
  }

  @Test
  void aLostFrameIsTheLastOneRepeatedQuieterThenSilenceAndALatePacketIsDropped() {
    JitterBuffer b = new JitterBuffer(1, 10, 3);
    b.put(9, 0, frame(10_000), 0, F);
    assertThat(next(b)).isZero(); // the delay
    assertThat(next(b)).isEqualTo(10_000);
    assertThat(next(b)).isEqualTo(7000);
    assertThat(next(b)).isEqualTo(4900);
    assertThat(next(b)).isEqualTo(3430);
    assertThat(next(b)).as("after 3 concealed frames: silence (a party on hold)").isZero();
    assertThat(next(b)).isZero();
    b.put(9, F, frame(5), 0, F); // its turn has passed
    assertThat(b.late()).isEqualTo(1);
    assertThat(b.concealed()).isEqualTo(3);
    b.put(9, 6 * F, frame(20_000), 0, F); // the party speaks again, on its timeline
    assertThat(next(b)).isEqualTo(20_000);
  }

  @Test
  void aNewSourceOrATimestampJumpStartsTheTimelineAgain() {
    JitterBuffer b = new JitterBuffer(2, 10, 0);
    b.put(1, 0, frame(100), 0, F);
    b.put(2, 123_456, frame(200), 0, F); // a phone restarted: another SSRC, another timeline
    assertThat(next(b)).isZero();
    assertThat(next(b)).isZero();
    assertThat(next(b)).isEqualTo(200);
    b.put(2, 123_456 + 80_000, frame(300), 0, F); // 10 s ahead: a jump, not 10 s of waiting
    assertThat(next(b)).isZero();
    assertThat(next(b)).isZero();
    assertThat(next(b)).isEqualTo(300);
    assertThat(b.restarts()).isEqualTo(2);
  }

  @Test
  void packetsOfAnotherLengthFillTheFramesTheyCover() {
    JitterBuffer b = new JitterBuffer(1, 10, 0);
    b.put(1, 0, frame(0), 0, 0); // starts the timeline at 0
    short[] thirty = new short[240]; // 30 ms
    java.util.Arrays.fill(thirty, (short) 50);
    b.put(1, 0, thirty, 0, 240);
    assertThat(next(b)).isZero();
    assertThat(next(b)).isEqualTo(50);
    short[] out = new short[F];
    b.take(out, 0);
    assertThat(out[0]).isEqualTo((short) 50);
    assertThat(out[79]).isEqualTo((short) 50);
    assertThat(out[80]).as("the rest of a half-covered frame is silence").isZero();
  }
}
