package dev.evertone.sip.transaction;

/** Schedules the transaction timers. Production uses a hashed wheel; tests use a virtual clock. */
public interface TimerService {

  /** The current time in milliseconds, on the clock the timers run by. */
  long now();

  /** Runs {@code task} once after {@code delayMillis}; the returned handle cancels it. */
  Timer schedule(long delayMillis, Runnable task);

  /** A scheduled task. */
  interface Timer {
    Timer NONE = () -> {};

    void cancel();
  }
}
