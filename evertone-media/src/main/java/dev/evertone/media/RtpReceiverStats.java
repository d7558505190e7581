package dev.evertone.media;

/**
 * What one party's RTP stream tells about its path: sequence tracking (RFC 3550 A.1) for the
 * packets expected and lost (A.3), and the interarrival jitter (A.8). Fields only, no allocation
 * per packet; used on the session's event loop only.
 *
 * <p>Simplified from A.1: a source is accepted from its first packet (no probation: the relay only
 * counts packets that already passed latching). A new SSRC, or a source restarting its sequence
 * numbers (two consecutive packets far from the expected ones, A.1), starts the tracking over
 * instead of counting thousands of losses; the counts so far are kept.
 */
final class RtpReceiverStats {
  /** RFC 3550 A.1: a forward jump this large or larger is not a gap but a possible restart. */
  private static final int MAX_DROPOUT = 3000;

  /** RFC 3550 A.1: a packet this far behind the highest is late, not a restart. */
  private static final int MAX_MISORDER = 100;

  private static final int SEQ_MOD = 1 << 16;

  /**
   * A transit time that changes by more than this many seconds' worth of timestamp units from one
   * packet to the next is a new timeline (a source switched upstream, RFC 3550 5.1 lets the
   * timestamp start anywhere), not jitter.
   */
  private static final int JUMP_SECONDS = 1;

  private final long epochNanos;
  private boolean started;
  private int ssrc;
  private int baseSeq;
  private int maxSeq;
  private long cycles;
  private int badSeq = -1;
  private long received;
  private long earlierExpected;
  private long earlierReceived;
  private long ssrcChanges;
  private int clockRate;
  private boolean haveTransit;
  private int lastTransit;
  private double jitterMs;
  private long timestampJumps;

  RtpReceiverStats(long epochNanos) {
    this.epochNanos = epochNanos;
  }

  /**
   * One RTP packet arrived at {@code nowNanos} (System.nanoTime) with these header fields; {@code
   * rate} is its payload type's clock rate (0: unknown, no jitter from it).
   */
  void onPacket(int seq, int timestamp, int packetSsrc, int rate, long nowNanos) {
    if (!started) {
      start(seq, packetSsrc);
    } else if (packetSsrc != ssrc) {
      ssrcChanges++;
      restart(seq, packetSsrc);
    } else if (!updateSequence(seq)) {
      return; // a stray packet far away: not counted until the source confirms its new numbering
    }
    updateJitter(timestamp, rate, nowNanos);
  }

  /** RFC 3550 A.1 update_seq; false for a packet that does not count (yet). */
  private boolean updateSequence(int seq) {
    int delta = (seq - maxSeq) & 0xffff;
    if (delta < MAX_DROPOUT) {
      if (seq < maxSeq) {
        cycles += SEQ_MOD; // wrapped
      }
      maxSeq = seq;
    } else if (delta <= SEQ_MOD - MAX_MISORDER) {
      if (seq != badSeq) {
        badSeq = (seq + 1) & 0xffff;
        return false;
      }
      restart(seq, ssrc); // two in a row: the source restarted its numbering
      return true;
    }
    // else a duplicate or a late packet: received, and the highest stays
    received++;
    return true;
  }

  private void restart(int seq, int newSsrc) {
    earlierExpected += expectedNow();
    earlierReceived += received;
    start(seq, newSsrc);
  }

  private void start(int seq, int newSsrc) {
    started = true;
    ssrc = newSsrc;
    baseSeq = seq;
    maxSeq = seq;
    cycles = 0;
    badSeq = -1;
    received = 1;
    haveTransit = false;
  }

  /** RFC 3550 A.8, in milliseconds. */
  private void updateJitter(int timestamp, int rate, long nowNanos) {
    if (rate <= 0) {
      return;
    }
    if (rate != clockRate) {
      clockRate = rate;
      haveTransit = false; // transit times in other units cannot be compared
    }
    // microseconds times 90 kHz overflows a long only after some three years
    long arrival = (nowNanos - epochNanos) / 1000 * rate / 1_000_000;
    int transit = (int) arrival - timestamp; // both modulo 2^32
    if (haveTransit) {
      int difference = transit - lastTransit; // modulo 2^32 as well
      long d = Math.abs((long) difference);
      if (d > (long) rate * JUMP_SECONDS) {
        timestampJumps++;
      } else {
        jitterMs += (d * 1000.0 / rate - jitterMs) / 16;
      }
    }
    lastTransit = transit;
    haveTransit = true;
  }

  private long expectedNow() {
    return started ? cycles + maxSeq - baseSeq + 1 : 0;
  }

  long expected() {
    return earlierExpected + expectedNow();
  }

  long lost() {
    return Math.max(0, expected() - earlierReceived - received);
  }

  double jitterMs() {
    return jitterMs;
  }

  long ssrcChanges() {
    return ssrcChanges;
  }

  long timestampJumps() {
    return timestampJumps;
  }
}
