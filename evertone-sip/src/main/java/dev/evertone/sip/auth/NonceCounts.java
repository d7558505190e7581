package dev.evertone.sip.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Replay protection with nonce counts (RFC 7616 3.4): for each nonce that has been used successfully, the
 * highest nc seen and which of the 64 values below it were seen, so that a request may arrive slightly out
 * of order but never twice. A nonce used without qop (no nc) may be used once.
 *
 * <p>Only nonces that passed a digest check are recorded, so memory is bounded by successful
 * authentications within two nonce lifetimes: entries live in two generations that rotate every lifetime.
 */
public final class NonceCounts {
  private static final int WINDOW = 64;

  private final long lifetimeMillis;
  private volatile ConcurrentHashMap<Long, Window> current = new ConcurrentHashMap<>();
  private volatile ConcurrentHashMap<Long, Window> previous = new ConcurrentHashMap<>();
  private volatile long rotatedAt;

  public NonceCounts(long lifetimeMillis, long nowMillis) {
    this.lifetimeMillis = lifetimeMillis;
    this.rotatedAt = nowMillis;
  }

  /**
   * Records the use of nonce {@code id} with count {@code nc} (0 when the request had no qop) and says
   * whether it is new (true) or a replay (false).
   */
  public boolean accept(long id, long nc, long nowMillis) {
    rotate(nowMillis);
    Long key = id;
    Window w = current.get(key);
    if (w == null) {
      Window old = previous.get(key);
      w = old != null ? old : new Window();
      Window raced = current.putIfAbsent(key, w);
      if (raced != null) {
        w = raced;
      }
    }
    return w.accept(nc);
  }

  private void rotate(long nowMillis) {
    if (nowMillis - rotatedAt >= lifetimeMillis) {
      synchronized (this) {
        if (nowMillis - rotatedAt >= lifetimeMillis) {
          previous = current;
          current = new ConcurrentHashMap<>();
          rotatedAt = nowMillis;
        }
      }
    }
  }

  /** Nonces currently tracked (for metrics and tests). */
  public int size() {
    return current.size() + previous.size();
  }

  private static final class Window {
    private long highest = -1;
    private long seen; // bit i set: highest - i was seen

    synchronized boolean accept(long nc) {
      if (nc > highest) {
        long shift = highest < 0 ? WINDOW : nc - highest;
        seen = shift >= WINDOW ? 1L : (seen << shift) | 1L;
        highest = nc;
        return true;
      }
      long back = highest - nc;
      if (back >= WINDOW) {
        return false;
      }
      long bit = 1L << back;
      if ((seen & bit) != 0) {
        return false;
      }
      seen |= bit;
      return true;
    }
  }
}
