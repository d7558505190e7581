package dev.evertone.media.audio;

/**
 * N-party mixing in which each party hears everyone but itself: the frames of all parties are
 * summed once, and each party gets the sum minus its own frame, clipped to 16 bits. That is one
 * addition and one subtraction per party and sample, not N-1 additions per party (the "mix-minus"
 * of broadcast consoles). Sums are kept in 32 bits: 65,536 parties at full scale would not
 * overflow.
 */
public final class MixMinus {
  private MixMinus() {}

  /** Adds {@code frame} (160 samples) to {@code sum}. */
  public static void add(short[] frame, int[] sum) {
    for (int i = 0; i < AudioClip.FRAME; i++) {
      sum[i] += frame[i];
    }
  }

  /**
   * What one party hears: {@code sum} without {@code own} (null: the party contributed nothing),
   * clipped to -32768..32767, into {@code out}.
   */
  public static void without(
      int[] sum, short @org.jspecify.annotations.Nullable [] own, short[] out) {
    for (int i = 0; i < AudioClip.FRAME; i++) {
      int v = own == null ? sum[i] : sum[i] - own[i];
      out[i] = (short) (v > Short.MAX_VALUE ? Short.MAX_VALUE : Math.max(v, Short.MIN_VALUE));
    }
  }
}
