package dev.evertone.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * Digest algorithms for SIP (RFC 8760): MD5, SHA-256 and SHA-512-256. Session ("-sess") variants
 * are not offered.
 */
public enum DigestAlgorithm {
  MD5("MD5"),
  SHA_256("SHA-256"),
  SHA_512_256("SHA-512-256");

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String token;

  DigestAlgorithm(String token) {
    this.token = token;
  }

  /**
   * One digest of each algorithm per thread (a MessageDigest is not thread-safe, and making one per
   * hash costs a provider lookup); outside the enum, whose constants hold no mutable state.
   */
  private static final class Digests {
    static final ThreadLocal<MessageDigest> MD5 = perThread("MD5");
    static final ThreadLocal<MessageDigest> SHA_256 = perThread("SHA-256");
    static final ThreadLocal<MessageDigest> SHA_512_256 = perThread("SHA-512/256");

    private static ThreadLocal<MessageDigest> perThread(String jcaName) {
      return ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JVM lacks " + jcaName, e);
            }
          });
    }
  }

  private MessageDigest digest() {
    return switch (this) {
      case MD5 -> Digests.MD5.get();
      case SHA_256 -> Digests.SHA_256.get();
      case SHA_512_256 -> Digests.SHA_512_256.get();
    };
  }

  /** The name in the {@code algorithm} parameter. */
  public String token() {
    return token;
  }

  /** Hex digits of a hash (32 for MD5, 64 for the others). */
  public int hexLength() {
    return this == MD5 ? 32 : 64;
  }

  /**
   * The algorithm named by a challenge or credentials parameter (case-insensitive); absent means
   * MD5.
   */
  public static @Nullable DigestAlgorithm fromToken(@Nullable String token) {
    if (token == null) {
      return MD5;
    }
    for (DigestAlgorithm a : values()) {
      if (a.token.equalsIgnoreCase(token)) {
        return a;
      }
    }
    return null;
  }

  /**
   * Lower-case hex of the hash of {@code text}, whose chars are octets (ISO-8859-1) or UTF-8 text.
   */
  public String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  public String hex(byte[] bytes) {
    byte[] h = digest().digest(bytes);
    char[] out = new char[h.length * 2];
    for (int i = 0; i < h.length; i++) {
      out[2 * i] = HEX[(h[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[h[i] & 0xf];
    }
    return new String(out);
  }

  /** HA1 = H(username ":" realm ":" password) (RFC 7616 3.4.2). */
  public String ha1(String username, String realm, String password) {
    return hex(username + ":" + realm + ":" + password);
  }
}
