package dev.evertone.sip.auth;

import java.util.Arrays;

/**
 * Replay protection with nonce counts (RFC 7616 3.4): for each nonce that has been used
 * successfully, the highest nc seen and which of the 64 values below it were seen, so that a
 * request may arrive slightly out of order but never twice. A nonce used without qop (no nc) may be
 * used once.
 *
 * <p>Only nonces that passed a digest check are recorded, so memory is bounded by successful
 * authentications within two nonce lifetimes: entries live in two generations that rotate every
 * lifetime. Each generation is a table of primitive arrays (24 bytes a nonce, no objects), because
 * a busy registrar records millions of them and they must not burden the garbage collector.
 */
public final class NonceCounts {
  private static final int WINDOW = 64;

  private final long lifetimeMillis;
  private Table current = new Table();
  private Table previous = new Table();
  private long rotatedAt;

  public NonceCounts(long lifetimeMillis, long nowMillis) {
    this.lifetimeMillis = lifetimeMillis;
    this.rotatedAt = nowMillis;
  }

  /**
   * Records the use of nonce {@code id} with count {@code nc} (0 when the request had no qop) and
   * says whether it is new (true) or a replay (false).
   */
  public synchronized boolean accept(long id, long nc, long nowMillis) {
    if (nowMillis - rotatedAt >= lifetimeMillis) {
      Table oldest = previous;
      previous = current;
      oldest.clear();
      current = oldest;
      rotatedAt = nowMillis;
    }
    long key = id == 0 ? 1 : id;
    int slot = current.find(key);
    if (slot < 0) {
      int old = previous.find(key);
      slot = current.insert(key);
      if (old >= 0) {
        current.highest[slot] = previous.highest[old];
        current.seen[slot] = previous.seen[old];
      }
    }
    return current.accept(slot, nc);
  }

  /** Nonces currently tracked (for metrics and tests). */
  public synchronized int size() {
    return current.size + previous.size;
  }

  /**
   * Open addressing over parallel arrays: key (0 = empty), highest nc (-1 = none yet), seen bits.
   */
  private static final class Table {
    long[] keys = new long[1 << 10];
    long[] highest = new long[1 << 10];
    long[] seen = new long[1 << 10];
    int size;

    int find(long key) {
      int mask = keys.length - 1;
      for (int slot = mix(key) & mask; keys[slot] != 0; slot = (slot + 1) & mask) {
        if (keys[slot] == key) {
          return slot;
        }
      }
      return -1;
    }

    int insert(long key) {
      if (2 * (size + 1) > keys.length) {
        grow();
      }
      int mask = keys.length - 1;
      int slot = mix(key) & mask;
      while (keys[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      highest[slot] = -1;
      seen[slot] = 0;
      size++;
      return slot;
    }

    boolean accept(int slot, long nc) {
      long top = highest[slot];
      if (nc > top) {
        long shift = top < 0 ? WINDOW : nc - top;
        seen[slot] = shift >= WINDOW ? 1L : (seen[slot] << shift) | 1L;
        highest[slot] = nc;
        return true;
      }
      long back = top - nc;
      if (back >= WINDOW) {
        return false;
      }
      long bit = 1L << back;
      if ((seen[slot] & bit) != 0) {
        return false;
      }
      seen[slot] |= bit;
      return true;
    }

    void clear() {
      Arrays.fill(keys, 0L);
      size = 0;
    }

    private void grow() {
      long[] k = keys;
      long[] h = highest;
      long[] s = seen;
      keys = new long[k.length * 2];
      highest = new long[k.length * 2];
      seen = new long[k.length * 2];
      size = 0;
      for (int i = 0; i < k.length; i++) {
        if (k[i] != 0) {
          int slot = insert(k[i]);
          highest[slot] = h[i];
          seen[slot] = s[i];
        }
      }
    }

    private static int mix(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }
  }
}
