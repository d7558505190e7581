package dev.evertone.sip.auth;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts authentication failures per key (a source address, an account) in a fixed window; a key
 * with {@code maxFailures} failures in {@code windowMillis} is blocked for {@code blockMillis}. The
 * number of keys tracked is bounded, so that a flood from many addresses cannot exhaust memory.
 */
public final class FailureLimiter {
  private final int maxFailures;
  private final long windowMillis;
  private final long blockMillis;
  private final int maxKeys;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  public FailureLimiter(int maxFailures, long windowMillis, long blockMillis, int maxKeys) {
    if (maxFailures < 1 || windowMillis < 1 || blockMillis < 0 || maxKeys < 1) {
      throw new IllegalArgumentException("invalid failure limits");
    }
    this.maxFailures = maxFailures;
    this.windowMillis = windowMillis;
    this.blockMillis = blockMillis;
    this.maxKeys = maxKeys;
  }

  /** Whether {@code key} is blocked now. */
  public boolean isBlocked(String key, long now) {
    Entry e = entries.get(key);
    return e != null && e.blockedUntil(now);
  }

  /**
   * Records a failure for {@code key}; returns true when this failure makes the key blocked (so
   * that the caller logs the block once).
   */
  public boolean recordFailure(String key, long now) {
    Entry e = entries.get(key);
    if (e == null) {
      if (entries.size() >= maxKeys) {
        purge(now);
        if (entries.size() >= maxKeys) {
          return false; // table full of live entries: stop tracking new keys rather than grow
        }
      }
      e = entries.computeIfAbsent(key, k -> new Entry());
    }
    return e.fail(now, maxFailures, windowMillis, blockMillis);
  }

  /** Drops entries whose window and block are over. */
  public void purge(long now) {
    for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue().idle(now, windowMillis)) {
        it.remove();
      }
    }
  }

  public int trackedKeys() {
    return entries.size();
  }

  private static final class Entry {
    private long windowStart;
    private int count;
    private long blockedUntil;

    synchronized boolean blockedUntil(long now) {
      return now < blockedUntil;
    }

    synchronized boolean fail(long now, int max, long window, long block) {
      if (now - windowStart >= window) {
        windowStart = now;
        count = 0;
      }
      count++;
      if (count == max) {
        blockedUntil = now + block;
        return true;
      }
      if (count > max) {
        blockedUntil = now + block;
      }
      return false;
    }

    synchronized boolean idle(long now, long window) {
      return now - windowStart >= window && now >= blockedUntil;
    }
  }
}
