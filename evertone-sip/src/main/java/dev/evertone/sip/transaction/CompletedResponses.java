package dev.evertone.sip.transaction;

import dev.evertone.sip.transport.Flow;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The final responses of completed non-INVITE server transactions over UDP, kept for Timer J
 * (64*T1, RFC 3261 17.2.2) so that a retransmitted request gets the same response again.
 *
 * <p>Under load a registrar completes thousands of transactions a second, and each must stay
 * answerable for 32 s; as objects they would be copied again and again by the garbage collector.
 * Here they are octets in a ring of reusable 1 MiB segments instead: since every entry lives
 * equally long, entries expire in the order they were written. An index of primitive hash tables,
 * one per half Timer J, finds them by transaction key; the oldest table is emptied as a whole when
 * its time is over. When the ring is full, the oldest segment is reused early and its entries
 * forgotten (counted in {@link #evicted()}).
 *
 * <p>Entry layout: expiry (8) | key length (2) | response length (4) | port (2) | IP length (1) |
 * flow (2) | key | IP | response.
 */
final class CompletedResponses {
  private static final int SEGMENT_BITS = 20;
  private static final int SEGMENT = 1 << SEGMENT_BITS;
  private static final int HEADER = 8 + 2 + 4 + 2 + 1 + 2;
  private static final int WINDOWS = 3;

  private final long lifetimeMillis;
  private final long windowMillis;
  private final byte[][] segments;
  private final long[] segmentExpiry;
  private long head;
  private long tail;
  private final PositionIndex[] windows = new PositionIndex[WINDOWS];
  private int current;
  private long windowStart;
  private final List<Flow> flows = new ArrayList<>();
  private final IdentityHashMap<Flow, Integer> flowIds = new IdentityHashMap<>();
  private long evicted;
  private long nextRelease;

  /**
   * @param lifetimeMillis how long a response stays answerable (Timer J)
   * @param maxBytes memory the ring may use at most (rounded up to whole segments)
   */
  CompletedResponses(long lifetimeMillis, long maxBytes, long now) {
    this.lifetimeMillis = lifetimeMillis;
    this.windowMillis = Math.max(1, lifetimeMillis / (WINDOWS - 1));
    int count = (int) Math.max(2, (maxBytes + SEGMENT - 1) / SEGMENT);
    this.segments = new byte[count][];
    this.segmentExpiry = new long[count];
    for (int i = 0; i < WINDOWS; i++) {
      windows[i] = new PositionIndex();
    }
    this.windowStart = now;
  }

  /**
   * Keeps {@code response} (sent to {@code to} through {@code flow}) under {@code key} for the
   * lifetime.
   */
  synchronized void put(String key, byte[] response, Flow flow, InetSocketAddress to, long now) {
    rotate(now);
    if (now >= nextRelease) {
      release(now);
      nextRelease = now + 1000;
    }
    byte[] ip = to.getAddress().getAddress();
    int length = HEADER + key.length() + ip.length + response.length;
    if (length > SEGMENT) {
      // larger than a segment: not kept (a 64 KiB response is never the answer to a REGISTER)
      return;
    }
    long pos = reserve(length);
    byte[] seg = segment(pos);
    int off = (int) (pos & (SEGMENT - 1));
    long expiry = now + lifetimeMillis;
    putLong(seg, off, expiry);
    putShort(seg, off + 8, key.length());
    putInt(seg, off + 10, response.length);
    putShort(seg, off + 14, to.getPort());
    seg[off + 16] = (byte) ip.length;
    putShort(seg, off + 17, flowId(flow));
    int p = off + HEADER;
    copyKey(key, seg, p);
    p += key.length();
    System.arraycopy(ip, 0, seg, p, ip.length);
    p += ip.length;
    System.arraycopy(response, 0, seg, p, response.length);
    int index = (int) ((pos >>> SEGMENT_BITS) % segments.length);
    segmentExpiry[index] = Math.max(segmentExpiry[index], expiry);
    windows[current].put(hash(key), pos);
  }

  /**
   * The response kept under {@code key}, as a sending action, or null if there is none (never kept,
   * expired, or evicted).
   */
  synchronized @Nullable Kept find(String key, long now) {
    rotate(now);
    long h = hash(key);
    for (int w = 0; w < WINDOWS; w++) {
      PositionIndex index = windows[Math.floorMod(current - w, WINDOWS)];
      for (int slot = index.first(h); slot >= 0; slot = index.next(h, slot)) {
        long pos = index.value(slot);
        if (pos < tail) {
          continue; // its segment was reused
        }
        byte[] seg = segment(pos);
        int off = (int) (pos & (SEGMENT - 1));
        if (getLong(seg, off) <= now
            || !keyEquals(key, seg, off + HEADER, getShort(seg, off + 8))) {
          continue;
        }
        return read(seg, off);
      }
    }
    return null;
  }

  /** A response found again: its octets and where they go. */
  static final class Kept {
    private final byte[] response;
    private final Flow flow;
    private final InetSocketAddress destination;

    Kept(byte[] response, Flow flow, InetSocketAddress destination) {
      this.response = response;
      this.flow = flow;
      this.destination = destination;
    }

    byte[] response() {
      return response;
    }

    Flow flow() {
      return flow;
    }

    InetSocketAddress destination() {
      return destination;
    }
  }

  private Kept read(byte[] seg, int off) {
    int keyLength = getShort(seg, off + 8);
    int responseLength = getInt(seg, off + 10);
    int port = getShort(seg, off + 14);
    int ipLength = seg[off + 16];
    Flow flow = flows.get(getShort(seg, off + 17));
    int p = off + HEADER + keyLength;
    InetAddress ip;
    try {
      ip = InetAddress.getByAddress(Arrays.copyOfRange(seg, p, p + ipLength));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    p += ipLength;
    return new Kept(
        Arrays.copyOfRange(seg, p, p + responseLength), flow, new InetSocketAddress(ip, port));
  }

  /** Room for {@code length} octets at the head, reusing the oldest segment if the ring is full. */
  private long reserve(int length) {
    long pos = head;
    if ((pos & (SEGMENT - 1)) + length > SEGMENT) {
      pos = ((pos >>> SEGMENT_BITS) + 1) << SEGMENT_BITS; // entries never straddle two segments
    }
    long segmentNumber = pos >>> SEGMENT_BITS;
    if (segmentNumber - (tail >>> SEGMENT_BITS) >= segments.length) {
      // the ring is full: the oldest segment is reused before its entries expired
      long oldest = tail >>> SEGMENT_BITS;
      tail = (oldest + 1) << SEGMENT_BITS;
      evicted++;
    }
    int index = (int) (segmentNumber % segments.length);
    if (segments[index] == null) {
      segments[index] = new byte[SEGMENT];
    }
    if ((pos & (SEGMENT - 1)) == 0) {
      segmentExpiry[index] = 0;
    }
    head = pos + length;
    return pos;
  }

  /** Starts a new index window when the current one is over, emptying the oldest. */
  private void rotate(long now) {
    while (now - windowStart >= windowMillis) {
      current = (current + 1) % WINDOWS;
      windows[current].clear();
      windowStart += windowMillis;
      if (now - windowStart >= windowMillis * WINDOWS) {
        windowStart = now; // idle for long: no need to step through every missed window
      }
    }
  }

  /** Frees the memory of segments whose entries have all expired, keeping the one being written. */
  synchronized void release(long now) {
    long headSegment = head >>> SEGMENT_BITS;
    for (long s = tail >>> SEGMENT_BITS; s < headSegment; s++) {
      int index = (int) (s % segments.length);
      if (segmentExpiry[index] > now) {
        break;
      }
      segments[index] = null;
      segmentExpiry[index] = 0;
      tail = (s + 1) << SEGMENT_BITS;
    }
  }

  /**
   * Entries written and not yet dropped from the index (an upper bound on those still answerable).
   */
  synchronized int size() {
    int n = 0;
    for (PositionIndex w : windows) {
      n += w.size();
    }
    return n;
  }

  /**
   * Segments reused before their entries expired: Timer J was cut short because the ring was too
   * small.
   */
  synchronized long evicted() {
    return evicted;
  }

  /** Memory held by the ring now. */
  synchronized long bytes() {
    long n = 0;
    for (byte[] s : segments) {
      n += s == null ? 0 : s.length;
    }
    return n;
  }

  private byte[] segment(long pos) {
    return segments[(int) ((pos >>> SEGMENT_BITS) % segments.length)];
  }

  private int flowId(Flow flow) {
    Integer id = flowIds.get(flow);
    if (id == null) {
      id = flows.size();
      flows.add(flow);
      flowIds.put(flow, id);
    }
    return id;
  }

  static long hash(String key) {
    long h = 0xcbf29ce484222325L; // FNV-1a, then a final mix
    for (int i = 0; i < key.length(); i++) {
      h = (h ^ key.charAt(i)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }

  @SuppressWarnings("deprecation") // a Latin-1 copy: keys are wire text
  private static void copyKey(String key, byte[] seg, int off) {
    key.getBytes(0, key.length(), seg, off);
  }

  private static boolean keyEquals(String key, byte[] seg, int off, int length) {
    if (length != key.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if ((seg[off + i] & 0xff) != key.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }

  private static long getLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  private static int getInt(byte[] b, int off) {
    return ((b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }

  private static void putShort(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 8);
    b[off + 1] = (byte) v;
  }

  private static int getShort(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  /**
   * Open-addressing multimap from a 64-bit hash (never 0) to a ring position; emptied as a whole.
   */
  static final class PositionIndex {
    private long[] keys = new long[1 << 12];
    private long[] values = new long[1 << 12];
    private int size;

    void put(long key, long value) {
      if (2 * (size + 1) > keys.length) {
        grow();
      }
      int mask = keys.length - 1;
      int slot = (int) key & mask;
      while (keys[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      values[slot] = value;
      size++;
    }

    /** The first slot holding {@code key}, or -1. */
    int first(long key) {
      return scan(key, (int) key & (keys.length - 1));
    }

    /** The next slot after {@code slot} holding {@code key}, or -1. */
    int next(long key, int slot) {
      return scan(key, (slot + 1) & (keys.length - 1));
    }

    private int scan(long key, int from) {
      int mask = keys.length - 1;
      for (int slot = from; keys[slot] != 0; slot = (slot + 1) & mask) {
        if (keys[slot] == key) {
          return slot;
        }
      }
      return -1;
    }

    long value(int slot) {
      return values[slot];
    }

    int size() {
      return size;
    }

    void clear() {
      if (size > 0) {
        Arrays.fill(keys, 0L);
        size = 0;
      }
    }

    private void grow() {
      long[] oldKeys = keys;
      long[] oldValues = values;
      keys = new long[oldKeys.length * 2];
      values = new long[oldValues.length * 2];
      size = 0;
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != 0) {
          put(oldKeys[i], oldValues[i]);
        }
      }
    }
  }
}
