package dev.evertone.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The share of failures among events counted elsewhere (two cumulative counters, e.g. TLS
 * handshakes ok and failed) over a sliding window: each reading samples the counters, and the
 * window's numbers are the differences from the oldest sample still inside it.
 */
public final class RatioMonitor {
  private final LongSupplier successes;
  private final LongSupplier failures;
  private final Duration window;
  private final double maxFailureRatio;
  private final long minEvents;
  private final String what;
  private final Deque<long[]> samples = new ArrayDeque<>(); // {epochMillis, successes, failures}

  /**
   * @param what the events in words, plural, e.g. "TLS handshakes"
   */
  public RatioMonitor(
      String what,
      LongSupplier successes,
      LongSupplier failures,
      Duration window,
      double maxFailureRatio,
      long minEvents) {
    this.what = what;
    this.successes = successes;
    this.failures = failures;
    this.window = window;
    this.maxFailureRatio = maxFailureRatio;
    this.minEvents = minEvents;
  }

  public synchronized Monitor.Reading read(Instant now) {
    long[] sample = {now.toEpochMilli(), successes.getAsLong(), failures.getAsLong()};
    samples.addLast(sample);
    while (samples.size() > 1 && samples.peekFirst()[0] < sample[0] - window.toMillis()) {
      samples.removeFirst();
    }
    long[] oldest = samples.peekFirst();
    long ok = sample[1] - oldest[1];
    long failed = sample[2] - oldest[2];
    long total = ok + failed;
    double ratio = total == 0 ? 0 : (double) failed / total;
    String summary =
        String.format(
            Locale.ROOT,
            "%d of %d %s failed in the last %s (%.0f %%); an incident opens above %.0f %% with at least %d",
            failed,
            total,
            what,
            Durations.words(window),
            100 * ratio,
            100 * maxFailureRatio,
            minEvents);
    return new Monitor.Reading(
        total >= minEvents && ratio > maxFailureRatio, summary, java.util.List.of());
  }
}
