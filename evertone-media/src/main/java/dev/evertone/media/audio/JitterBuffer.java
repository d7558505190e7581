package dev.evertone.media.audio;

/**
 * One party's decoded audio on its way into a recording (or a mix): packets are put in by their RTP
 * timestamp as they arrive, in any order, and taken out one 20 ms frame per tick of the frame
 * clock, {@code depth} frames behind the first packet, so that packets a little late or reordered
 * still find their place (RFC 3550 5.1: the timestamp, not the arrival, places a packet). A frame
 * that is missing when its turn comes is concealed by repeating the last frame played, quieter each
 * time, for at most {@code maxConcealed} frames; after that, and before the first packet, the
 * frames are silence (a party on hold, or muted). A new SSRC, a timestamp far from the expected
 * one, or a party whose clock runs faster than evertone's until the buffer is full starts the
 * timeline again (RFC 3550 8.2: a restarted phone, a re-INVITE).
 *
 * <p>Not thread-safe: used on one event loop. Nothing is allocated after construction.
 */
public final class JitterBuffer {
  /** Samples per frame: 20 ms at 8 kHz. */
  public static final int FRAME = AudioClip.FRAME;

  /** Each concealed frame is this much quieter than the one before (about -3 dB). */
  private static final double CONCEALMENT_GAIN = 0.7;

  private final int depth;
  private final int capacity;
  private final int maxConcealed;
  private final short[] ring;
  private final boolean[] filled;
  private final short[] last = new short[FRAME];
  private boolean started;
  private int ssrc;
  private int readTimestamp; // the RTP timestamp of the next frame taken (wraps, RFC 3550 5.1)
  private int head; // the ring's frame at readTimestamp
  private int concealing;
  private long late;
  private long concealed;
  private long restarts;

  /**
   * @param depth frames held before the first is played (the delay that hides jitter), at least 1
   * @param capacity frames the buffer holds, more than {@code depth}
   * @param maxConcealed frames concealed in a row before silence
   */
  public JitterBuffer(int depth, int capacity, int maxConcealed) {
    if (depth < 1 || capacity <= depth || maxConcealed < 0) {
      throw new IllegalArgumentException(
          "1 <= depth < capacity and maxConcealed >= 0, was "
              + depth
              + ", "
              + capacity
              + ", "
              + maxConcealed);
    }
    this.depth = depth;
    this.capacity = capacity;
    this.maxConcealed = maxConcealed;
    this.ring = new short[capacity * FRAME];
    this.filled = new boolean[capacity];
  }

  /**
   * Puts {@code samples} decoded samples at {@code offset} of {@code pcm}, sent with RTP timestamp
   * {@code timestamp} (8 kHz) by source {@code ssrc}.
   */
  public void put(int ssrc, int timestamp, short[] pcm, int offset, int samples) {
    int n = Math.min(samples, (capacity - depth) * FRAME);
    if (!started || ssrc != this.ssrc) {
      restart(ssrc, timestamp);
    }
    int ahead = timestamp - readTimestamp; // serial arithmetic on 32 bits (RFC 1982)
    if (ahead < 0) {
      if (ahead > -capacity * FRAME) {
        late++; // its turn has passed: concealed already
        return;
      }
      restart(ssrc, timestamp);
      ahead = timestamp - readTimestamp;
    } else if (ahead + n > capacity * FRAME) {
      restart(ssrc, timestamp); // a jump, or a party faster than evertone's clock: catch up
      ahead = timestamp - readTimestamp;
    }
    int base = head * FRAME;
    for (int i = 0; i < n; i++) {
      int at = ahead + i;
      int frame = (head + at / FRAME) % capacity;
      if (!filled[frame]) {
        // a packet covering part of a frame (another ptime): the rest is silence, not old audio
        java.util.Arrays.fill(ring, frame * FRAME, frame * FRAME + FRAME, (short) 0);
        filled[frame] = true;
      }
      ring[(base + at) % ring.length] = pcm[offset + i];
    }
  }

  private void restart(int ssrc, int timestamp) {
    if (started) {
      restarts++;
    }
    started = true;
    this.ssrc = ssrc;
    readTimestamp = timestamp - depth * FRAME;
    java.util.Arrays.fill(filled, false);
    head = 0;
    concealing = maxConcealed; // the delay before the first frame is silence, not a loss
  }

  /** Takes the next frame into {@code out} at {@code offset}: 160 samples. */
  public void take(short[] out, int offset) {
    if (!started) {
      java.util.Arrays.fill(out, offset, offset + FRAME, (short) 0);
      return;
    }
    if (filled[head]) {
      System.arraycopy(ring, head * FRAME, out, offset, FRAME);
      System.arraycopy(ring, head * FRAME, last, 0, FRAME);
      concealing = 0;
    } else if (concealing < maxConcealed) {
      concealing++;
      concealed++;
      for (int i = 0; i < FRAME; i++) {
        last[i] = (short) (last[i] * CONCEALMENT_GAIN);
        out[offset + i] = last[i];
      }
    } else {
      java.util.Arrays.fill(out, offset, offset + FRAME, (short) 0);
    }
    filled[head] = false;
    head = (head + 1) % capacity;
    readTimestamp += FRAME;
  }

  /** Packets that came after their turn. */
  public long late() {
    return late;
  }

  /** Frames concealed (missing in their turn while the party was sending). */
  public long concealed() {
    return concealed;
  }

  /** Times the timeline started again (a new source, a jump, a clock running ahead). */
  public long restarts() {
    return restarts;
  }
}
