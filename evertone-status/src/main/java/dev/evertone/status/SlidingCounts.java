package dev.evertone.status;

/**
 * Successes and failures per second over a sliding window, in a ring of one-second buckets:
 * constant memory and constant time per event, whatever the rate. Thread-safe.
 */
final class SlidingCounts {
  private final int seconds;
  private final long[] second;
  private final int[] successes;
  private final int[] failures;

  SlidingCounts(int seconds) {
    this.seconds = seconds;
    this.second = new long[seconds];
    this.successes = new int[seconds];
    this.failures = new int[seconds];
    java.util.Arrays.fill(second, -1);
  }

  synchronized void add(boolean success, long epochSecond) {
    int i = (int) Math.floorMod(epochSecond, (long) seconds);
    if (second[i] != epochSecond) {
      second[i] = epochSecond;
      successes[i] = 0;
      failures[i] = 0;
    }
    if (success) {
      successes[i]++;
    } else {
      failures[i]++;
    }
  }

  /**
   * Successes and failures in the last {@code window} seconds up to {@code nowSecond} (inclusive).
   */
  synchronized Counts last(int window, long nowSecond) {
    long s = 0;
    long f = 0;
    for (int k = 0; k < Math.min(window, seconds); k++) {
      long at = nowSecond - k;
      int i = (int) Math.floorMod(at, (long) seconds);
      if (second[i] == at) {
        s += successes[i];
        f += failures[i];
      }
    }
    return new Counts(s, f);
  }

  record Counts(long successes, long failures) {
    long total() {
      return successes + failures;
    }

    double failureRatio() {
      return total() == 0 ? 0 : (double) failures / total();
    }
  }
}
