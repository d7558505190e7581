package dev.evertone.media.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MixMinusTest {
  private static short[] constant(int v) {
    short[] f = new short[AudioClip.FRAME];
    java.util.Arrays.fill(f, (short) v);
    return f;
  }

  @Test
  void eachPartyHearsTheSumOfTheOthersAndNotItself() {
    short[][] parties = {constant(100), constant(20), constant(3)};
    int[] sum = new int[AudioClip.FRAME];
    for (short[] p : parties) {
      MixMinus.add(p, sum);
    }
    short[] out = new short[AudioClip.FRAME];
    MixMinus.without(sum, parties[0], out);
    assertThat(out[0]).isEqualTo((short) 23);
    MixMinus.without(sum, parties[1], out);
    assertThat(out[77]).isEqualTo((short) 103);
    MixMinus.without(sum, parties[2], out);
    assertThat(out[159]).isEqualTo((short) 120);
  }

  @Test
  void loudPartiesAreClippedTo16BitsNotWrappedAround() {
    int[] sum = new int[AudioClip.FRAME];
    MixMinus.add(constant(30_000), sum);
    MixMinus.add(constant(30_000), sum);
    MixMinus.add(constant(-30_000), sum);
    MixMinus.add(constant(-30_000), sum);
    MixMinus.add(constant(-30_000), sum);
    short[] out = new short[AudioClip.FRAME];
    MixMinus.without(sum, constant(-30_000), out);
    assertThat(out[0]).as("the others cancel out: the sum may pass 16 bits").isEqualTo((short) 0);
    int[] loud = new int[AudioClip.FRAME];
    MixMinus.add(constant(30_000), loud);
    MixMinus.add(constant(30_000), loud);
    MixMinus.add(constant(30_000), loud);
    MixMinus.without(loud, constant(30_000), out);
    assertThat(out[0]).isEqualTo(Short.MAX_VALUE);
    int[] quiet = new int[AudioClip.FRAME];
    MixMinus.add(constant(-30_000), quiet);
    MixMinus.add(constant(-30_000), quiet);
    MixMinus.without(quiet, null, out);
    assertThat(out[0]).isEqualTo(Short.MIN_VALUE);
  }

  @Test
  void aSilentPartyHearsEveryoneAndAddsNothing() {
    int[] sum = new int[AudioClip.FRAME];
    MixMinus.add(constant(10), sum);
    MixMinus.add(constant(5), sum);
    short[] out = new short[AudioClip.FRAME];
    MixMinus.without(sum, null, out); // the silent (lost, muted) party
    assertThat(out[0]).isEqualTo((short) 15);
    MixMinus.without(sum, constant(10), out);
    assertThat(out[0]).as("the others do not hear the silent one").isEqualTo((short) 5);
  }
}
