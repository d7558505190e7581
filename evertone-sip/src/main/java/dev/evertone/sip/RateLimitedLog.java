package dev.evertone.sip;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Lets through at most {@code perSecond} lines a second; the rest are counted and summarised in the
 * next line that gets through, so that a flood of bad requests cannot flood the log.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final int perSecond;
  private final AtomicLong second = new AtomicLong();
  private final AtomicInteger used = new AtomicInteger();
  private final AtomicInteger suppressed = new AtomicInteger();

  public RateLimitedLog(Logger log, int perSecond) {
    this.log = log;
    this.perSecond = perSecond;
  }

  public void info(long nowMillis, String format, Object... args) {
    if (allow(nowMillis)) {
      log.info(withSuppressed(format), args);
    }
  }

  public void warn(long nowMillis, String format, Object... args) {
    if (allow(nowMillis)) {
      log.warn(withSuppressed(format), args);
    }
  }

  private boolean allow(long nowMillis) {
    long s = nowMillis / 1000;
    if (second.get() != s) {
      second.set(s);
      used.set(0);
    }
    if (used.incrementAndGet() <= perSecond) {
      return true;
    }
    suppressed.incrementAndGet();
    return false;
  }

  private String withSuppressed(String format) {
    int n = suppressed.getAndSet(0);
    return n == 0 ? format : format + " (" + n + " similar lines suppressed)";
  }
}
