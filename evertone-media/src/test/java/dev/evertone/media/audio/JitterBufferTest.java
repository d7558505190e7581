package dev.evertone.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitterBufferTest {
  private static short[] frame(int value) {
    short[] f = new short[AudioClip.FRAME];
    java.util.Arrays.fill(f, (short) value);
    return f;
  }

  private static void put(JitterBuffer b, int seq, int value) {
    b.put(seq * AudioClip.FRAME, 7, frame(value), 0, AudioClip.FRAME);
  }

  @Test
  void framesPlayInTimestampOrderAfterTheDelayWhateverOrderTheyArrivedIn() {
    JitterBuffer b = new JitterBuffer(2, 16);
    put(b, 1, 101);
    put(b, 0, 100);
    put(b, 3, 103);
    put(b, 2, 102);
    short[] out = new short[AudioClip.FRAME];
    // playout starts two frames before the first packet that arrived (1): 0, late but in time,
    // plays first, the reordered 2 and 3 in their places
    assertThat(b.next(out)).as("the delay: nothing yet").isFalse();
    for (int expected = 100; expected <= 103; expected++) {
      assertThat(b.next(out)).isTrue();
      assertThat(out[0]).isEqualTo((short) expected);
      assertThat(out[159]).isEqualTo((short) expected);
    }
    assertThat(b.late()).isZero();
  }

  @Test
  void aLostFrameIsTheLastOneRepeatedQuieterThenSilence() {
    JitterBuffer b = new JitterBuffer(1, 16);
    put(b, 0, 1000);
    short[] out = new short[AudioClip.FRAME];
    assertThat(b.next(out)).isFalse(); // the delay
    assertThat(b.next(out)).isTrue();
    assertThat(out[5]).isEqualTo((short) 1000);
    int previous = 1000;
    for (int i = 0; i < JitterBuffer.MAX_CONCEALED; i++) {
      assertThat(b.next(out)).as("concealed frame " + i).isTrue();
      assertThat((int) out[5]).isLessThan(previous).isGreaterThan(0);
      previous = out[5];
    }
    assertThat(b.next(out)).as("after five lost frames the party is silent").isFalse();
    assertThat(b.concealed()).isEqualTo(JitterBuffer.MAX_CONCEALED);
  }

  @Test
  void aPacketAfterItsTimeIsDroppedAndCountedAndAPacketFarAheadRestartsTheBuffer() {
    JitterBuffer b = new JitterBuffer(1, 8);
    put(b, 10, 10);
    short[] out = new short[AudioClip.FRAME];
    b.next(out);
    b.next(out); // frame 10 played
    put(b, 9, 9);
    assertThat(b.late()).isEqualTo(1);
    put(b, 10_000, 77); // a jump (a re-INVITE, silence suppression)
    assertThat(b.restarts()).isEqualTo(1);
    assertThat(b.next(out)).isFalse(); // the delay again
    assertThat(b.next(out)).isTrue();
    assertThat(out[0]).isEqualTo((short) 77);
  }

  @Test
  void aNewSsrcStartsAfreshAndTimestampsWrapAround() {
    JitterBuffer b = new JitterBuffer(1, 8);
    short[] out = new short[AudioClip.FRAME];
    int ts = -AudioClip.FRAME; // 0xffffff60: the next packet's timestamp wraps to 0
    b.put(ts, 1, frame(5), 0, AudioClip.FRAME);
    b.put(0, 1, frame(6), 0, AudioClip.FRAME);
    b.next(out);
    b.next(out);
    assertThat(out[0]).isEqualTo((short) 5);
    b.next(out);
    assertThat(out[0]).as("across the wrap").isEqualTo((short) 6);
    b.put(123_456, 2, frame(9), 0, AudioClip.FRAME);
    assertThat(b.restarts()).isEqualTo(1);
    b.next(out);
    b.next(out);
    assertThat(out[0]).isEqualTo((short) 9);
  }

  @Test
  void packetsOfTenMillisecondsFillOneFrameTogether() {
    JitterBuffer b = new JitterBuffer(1, 8);
    short[] half = new short[80];
    java.util.Arrays.fill(half, (short) 3);
    b.put(0, 1, half, 0, 80);
    java.util.Arrays.fill(half, (short) 4);
    b.put(80, 1, half, 0, 80);
    short[] out = new short[AudioClip.FRAME];
    b.next(out);
    assertThat(b.next(out)).isTrue();
    assertThat(out[79]).isEqualTo((short) 3);
    assertThat(out[80]).isEqualTo((short) 4);
  }
}
