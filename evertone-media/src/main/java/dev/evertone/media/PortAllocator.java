package dev.evertone.media;

/**
 * The port pairs of the configured range: an even RTP port and the odd RTCP port above it (RFC 3550
 * 11). Pairs are handed out round the range, so that a pair just freed is the last to be used again
 * and late packets of an ended call do not reach the next one.
 */
final class PortAllocator {
  private final int portMin;
  private final boolean[] taken;
  private int next;
  private int inUse;

  PortAllocator(int portMin, int portMax) {
    this.portMin = portMin;
    this.taken = new boolean[(portMax - portMin + 1) / 2];
  }

  /** The RTP port of a free pair, now taken; -1 when every pair is taken. */
  synchronized int take() {
    for (int i = 0; i < taken.length; i++) {
      int pair = (next + i) % taken.length;
      if (!taken[pair]) {
        taken[pair] = true;
        next = (pair + 1) % taken.length;
        inUse++;
        return portMin + 2 * pair;
      }
    }
    return -1;
  }

  /** Gives back the pair of {@code rtpPort}. */
  synchronized void release(int rtpPort) {
    int pair = (rtpPort - portMin) / 2;
    if (taken[pair]) {
      taken[pair] = false;
      inUse--;
    }
  }

  /** The pairs in the range. */
  /** Whether {@code rtpPort} is the RTP port of a pair taken now. */
  synchronized boolean taken(int rtpPort) {
    int pair = (rtpPort - portMin) / 2;
    return rtpPort >= portMin && rtpPort % 2 == portMin % 2 && pair < taken.length && taken[pair];
  }

  int pairs() {
    return taken.length;
  }

  /** The ports taken (two per pair). */
  synchronized int portsInUse() {
    return 2 * inUse;
  }
}
