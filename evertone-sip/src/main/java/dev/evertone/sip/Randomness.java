package dev.evertone.sip;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Cryptographically strong random numbers for tags, branches and nonces (RFC 3261 19.3 asks for
 * cryptographic randomness). One DRBG per thread, seeded once from the system: no lock and no
 * system call per value, unlike the default NativePRNG, which reads /dev/urandom under a lock.
 */
public final class Randomness {
  private Randomness() {}

  private static final ThreadLocal<SecureRandom> PER_THREAD =
      ThreadLocal.withInitial(
          () -> {
            try {
              return SecureRandom.getInstance("DRBG");
            } catch (NoSuchAlgorithmException e) {
              return new SecureRandom();
            }
          });

  /** The calling thread's generator. */
  public static SecureRandom current() {
    return PER_THREAD.get();
  }

  // Each DRBG call costs several SHA-256 runs whatever its size: draw 512 bytes at a time.
  private static final ThreadLocal<Pool> POOL = ThreadLocal.withInitial(Pool::new);

  private static final class Pool {
    final byte[] bytes = new byte[512];
    int used = bytes.length;
  }

  /** 64 cryptographically random bits. */
  public static long nextLong() {
    Pool p = POOL.get();
    if (p.used + 8 > p.bytes.length) {
      current().nextBytes(p.bytes);
      p.used = 0;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (p.bytes[p.used++] & 0xff);
    }
    return v;
  }

  /** A new To/From tag: 64 random bits in hex (RFC 3261 19.3). */
  public static String tag() {
    return Long.toHexString(nextLong() | Long.MIN_VALUE);
  }

  /** Fills {@code out} with cryptographically random bytes from the pool. */
  public static void nextBytes(byte[] out) {
    for (int i = 0; i < out.length; i += 8) {
      long v = nextLong();
      for (int j = i; j < Math.min(out.length, i + 8); j++) {
        out[j] = (byte) v;
        v >>>= 8;
      }
    }
  }
}
