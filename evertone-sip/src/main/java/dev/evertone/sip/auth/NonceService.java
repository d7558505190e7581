package dev.evertone.sip.auth;

import dev.evertone.sip.Randomness;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Nonces that need no server-side storage (RFC 7616 3.3): {@code base64url(time || random ||
 * HMAC)}, where the HMAC-SHA-256 over time, random and a scope (the realm and the address the
 * challenge was sent to) is keyed with a server secret. A nonce is valid if its HMAC verifies for
 * the scope and it is younger than the lifetime; an attacker can neither forge one nor make the
 * server remember anything by asking for challenges, and a nonce issued to one address is worth
 * nothing from another.
 */
public final class NonceService {
  private static final int TIME_BYTES = 8;
  private static final int RANDOM_BYTES = 8;
  private static final int MAC_BYTES = 16;

  private final SecretKeySpec key;
  private final long lifetimeMillis;
  private final Clock clock;
  private final ThreadLocal<Mac> mac;

  /**
   * @param secret the server secret (at least 16 bytes); nodes that share it accept each other's
   *     nonces
   * @param lifetimeMillis how long a nonce stays valid
   */
  public NonceService(byte[] secret, long lifetimeMillis, Clock clock) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the nonce secret must be at least 16 bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.lifetimeMillis = lifetimeMillis;
    this.clock = clock;
    this.mac = ThreadLocal.withInitial(this::newMac);
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A new secret of 32 random bytes. */
  public static byte[] randomSecret() {
    byte[] s = new byte[32];
    Randomness.current().nextBytes(s);
    return s;
  }

  public long lifetimeMillis() {
    return lifetimeMillis;
  }

  /** A fresh nonce for {@code scope}. */
  public String create(String scope) {
    ByteBuffer buf = ByteBuffer.allocate(TIME_BYTES + RANDOM_BYTES + MAC_BYTES);
    buf.putLong(clock.millis());
    byte[] random = new byte[RANDOM_BYTES];
    Randomness.nextBytes(random);
    buf.put(random);
    byte[] tag = tag(buf.array(), scope);
    buf.put(tag, 0, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
  }

  /** What a nonce is worth now. */
  public enum Check {
    VALID,
    EXPIRED,
    INVALID
  }

  public Check check(String nonce, String scope) {
    byte[] raw = authentic(nonce, scope);
    if (raw == null) {
      return Check.INVALID;
    }
    return fresh(raw) ? Check.VALID : Check.EXPIRED;
  }

  /**
   * The 64-bit identity of a valid nonce (authentic and fresh), for replay tracking; empty for any
   * other. Decodes the nonce once, for the callers that need both answers.
   */
  public OptionalLong validId(String nonce, String scope) {
    byte[] raw = authentic(nonce, scope);
    if (raw == null || !fresh(raw)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(
        ByteBuffer.wrap(raw, TIME_BYTES, RANDOM_BYTES).getLong() ^ ByteBuffer.wrap(raw).getLong());
  }

  /** The nonce's octets if it decodes and its HMAC verifies for {@code scope}, else null. */
  private byte @Nullable [] authentic(String nonce, String scope) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (raw.length != TIME_BYTES + RANDOM_BYTES + MAC_BYTES) {
      return null;
    }
    byte[] expected = tag(raw, scope);
    boolean ok =
        MessageDigest.isEqual(
            Arrays.copyOf(expected, MAC_BYTES),
            Arrays.copyOfRange(raw, TIME_BYTES + RANDOM_BYTES, raw.length));
    return ok ? raw : null;
  }

  private boolean fresh(byte[] raw) {
    long age = clock.millis() - ByteBuffer.wrap(raw).getLong();
    return age >= 0 && age <= lifetimeMillis;
  }

  private byte[] tag(byte[] raw, String scope) {
    Mac m = mac.get();
    m.update(raw, 0, TIME_BYTES + RANDOM_BYTES);
    m.update(scope.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return m.doFinal();
  }
}
