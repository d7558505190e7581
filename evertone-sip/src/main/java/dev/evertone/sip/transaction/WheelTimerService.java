package dev.evertone.sip.transaction;

import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transaction timers on a hashed wheel with 10 ms ticks: cheap to schedule and cancel by the
 * hundred thousand, which is what a registrar under load does (one Timer J per REGISTER over UDP).
 */
public final class WheelTimerService implements TimerService, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WheelTimerService.class);

  private final HashedWheelTimer wheel =
      new HashedWheelTimer(
          new DefaultThreadFactory("sip-timers", true), 10, TimeUnit.MILLISECONDS, 1024);

  @Override
  public long now() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public Timer schedule(long delayMillis, Runnable task) {
    io.netty.util.Timeout timeout =
        wheel.newTimeout(
            t -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                log.error("transaction timer failed", e);
              }
            },
            delayMillis,
            TimeUnit.MILLISECONDS);
    return timeout::cancel;
  }

  @Override
  public void close() {
    wheel.stop();
  }
}
