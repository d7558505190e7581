package dev.evertone.media.audio;

import java.util.Arrays;

/**
 * One party's decoded audio on its way into a mixer: packets are put in by RTP timestamp as they
 * arrive (in any order, of any length), and taken out one 20 ms frame per tick after a fixed delay,
 * so that packets that arrive up to that delay late or out of order still play in order. A frame
 * nothing arrived for is concealed (packet-loss concealment): the last frame heard again, at half
 * the level each time, and silence after {@link #MAX_CONCEALED} such frames.
 *
 * <p>A new SSRC (the phone restarted its stream, RFC 3550 8.2), a timestamp far ahead of what plays
 * now (a jump after a re-INVITE or silence suppression) or a run of packets that are all too late
 * (the sender's clock is slower than ours) starts the buffer again from the packet at hand: what it
 * sends next plays after the delay again. The sample ring is addressed by the unwrapped RTP
 * timestamp (RFC 3550 5.1: 8 kHz for G.711), and each sample remembers which timestamp wrote it, so
 * old audio never plays for new. Not thread-safe: used on its event loop only; nothing is allocated
 * after construction.
 */
public final class JitterBuffer {
  /** Frames concealed after a loss before the party counts as silent. */
  public static final int MAX_CONCEALED = 5;

  /** Packets in a row that arrive too late before the buffer starts again from them. */
  static final int LATE_RUN_TO_RESYNC = 5;

  private final int delaySamples;
  private final int mask;
  private final short[] ring;
  private final long[] stamp;
  private final short[] last = new short[AudioClip.FRAME];
  private boolean started;
  private int ssrc;
  // the unwrapped timestamp of the next sample to play
  private long playout;
  private int concealedRun = MAX_CONCEALED;
  private int lateRun;
  private long received;
  private long late;
  private long concealed;
  private long restarts;

  /**
   * @param delayFrames 20 ms frames a packet waits before it plays (how late it may arrive), 1-25
   * @param capacityFrames how far ahead of what plays a packet may be before the buffer restarts;
   *     more than the delay
   */
  public JitterBuffer(int delayFrames, int capacityFrames) {
    if (delayFrames < 1 || delayFrames > 25 || capacityFrames <= delayFrames + 1) {
      throw new IllegalArgumentException(
          "a jitter buffer holds 1-25 frames of delay and more capacity than that, was "
              + delayFrames
              + " and "
              + capacityFrames);
    }
    int size = Integer.highestOneBit(capacityFrames * AudioClip.FRAME - 1) << 1;
    this.delaySamples = delayFrames * AudioClip.FRAME;
    this.mask = size - 1;
    this.ring = new short[size];
    this.stamp = new long[size];
    Arrays.fill(stamp, Long.MIN_VALUE); // no sample written yet
  }

  /**
   * {@code length} samples at {@code offset} of {@code samples}, the payload of an RTP packet with
   * timestamp {@code timestamp} (32 bits) from source {@code ssrc}.
   */
  public void put(int timestamp, int ssrc, short[] samples, int offset, int length) {
    received++;
    if (!started || ssrc != this.ssrc) {
      restart(timestamp & 0xffffffffL, ssrc);
    }
    // the packet's timestamp unwrapped near what plays now (RFC 1982 serial arithmetic)
    long at = playout + (timestamp - (int) playout);
    if (at + length <= playout) {
      late++;
      if (++lateRun < LATE_RUN_TO_RESYNC) {
        return;
      }
      restart(at, ssrc);
    } else if (at + length - playout > ring.length) {
      restart(at, ssrc); // far ahead: a jump, or a sender faster than the buffer holds
    }
    lateRun = 0;
    for (int i = 0; i < length; i++) {
      long t = at + i;
      if (t >= playout) {
        int p = (int) (t & mask);
        ring[p] = samples[offset + i];
        stamp[p] = t;
      }
    }
  }

  private void restart(long at, int newSsrc) {
    if (started) {
      restarts++;
    }
    started = true;
    ssrc = newSsrc;
    playout = at - delaySamples;
    lateRun = 0;
    concealedRun = MAX_CONCEALED; // what played before the restart is not to be repeated
  }

  /**
   * The next 20 ms frame into {@code out} (160 samples): what arrived for it (missing samples
   * silent), else the concealment of a lost frame, else silence.
   *
   * @return whether {@code out} carries the party's audio (false: silence, nothing to mix)
   */
  public boolean next(short[] out) {
    if (!started) {
      return false;
    }
    int present = 0;
    for (int i = 0; i < AudioClip.FRAME; i++) {
      long t = playout + i;
      int p = (int) (t & mask);
      if (stamp[p] == t) {
        out[i] = ring[p];
        present++;
      } else {
        out[i] = 0;
      }
    }
    playout += AudioClip.FRAME;
    if (present > 0) {
      concealedRun = 0;
      System.arraycopy(out, 0, last, 0, AudioClip.FRAME);
      return true;
    }
    if (concealedRun >= MAX_CONCEALED) {
      return false; // the party is silent (hold, silence suppression, gone): nothing to mix
    }
    // packet-loss concealment: the last frame again, 6 dB quieter each time
    concealedRun++;
    concealed++;
    int shift = concealedRun;
    for (int i = 0; i < AudioClip.FRAME; i++) {
      out[i] = (short) (last[i] >> shift);
    }
    return true;
  }

  /** Packets put in. */
  public long received() {
    return received;
  }

  /** Packets that arrived after their time had played (dropped). */
  public long late() {
    return late;
  }

  /** Frames concealed (lost or late). */
  public long concealed() {
    return concealed;
  }

  /** Times the buffer started again (new SSRC, timestamp jump, a sender's clock drifting). */
  public long restarts() {
    return restarts;
  }
}
