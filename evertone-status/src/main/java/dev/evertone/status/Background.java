package dev.evertone.status;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread each of the status page's background rounds (monitors, notifications) runs
 * on.
 */
final class Background {
  private Background() {}

  static ScheduledExecutorService thread(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Runs {@code round} on {@code executor} every {@code interval} (counted from the end of the one
   * before), the first time after {@code initialDelay}, until the executor is stopped ({@link
   * #stop}).
   */
  static void every(
      ScheduledExecutorService executor, Duration initialDelay, Duration interval, Runnable round) {
    // its future would only cancel the rounds (stop ends them) or hold an exception that ended them
    // (each round catches and logs what fails in it): there is nothing to keep
    ScheduledFuture<?> unused =
        executor.scheduleWithFixedDelay(
            round, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A round under way finishes (before the store closes) rather than failing half-way; then what is
   * left is stopped.
   */
  static void stop(ScheduledExecutorService executor) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
