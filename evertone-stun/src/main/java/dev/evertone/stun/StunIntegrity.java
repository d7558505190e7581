package dev.evertone.stun;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** MESSAGE-INTEGRITY (HMAC-SHA1), MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (RFC 8489 14.5-14.7). */
public final class StunIntegrity {
  private static final int FINGERPRINT_XOR = 0x5354554e;

  private StunIntegrity() {}

  /** The long-term credential key (RFC 8489 9.2.2, MD5): MD5(username ":" realm ":" password). */
  public static byte[] longTermKey(String username, String realm, String password) {
    try {
      return MessageDigest.getInstance("MD5")
          .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }

  /**
   * The password of a TURN REST user name ({@code expiry:user}): base64(HMAC-SHA1(secret, user
   * name)), as coturn's use-auth-secret; the relay checks it, {@code /ice-servers} and the probes
   * hand it out.
   */
  public static String restPassword(String secret, String username) {
    return java.util.Base64.getEncoder()
        .encodeToString(
            hmacSha1(
                secret.getBytes(StandardCharsets.UTF_8),
                username.getBytes(StandardCharsets.UTF_8)));
  }

  /** The short-term credential key (RFC 8489 9.1.1): the password itself. */
  public static byte[] shortTermKey(String password) {
    return password.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] hmacSha1(byte[] key, byte[] data) {
    return hmac("HmacSHA1", key, data);
  }

  /** HMAC-SHA256 of {@code data} with {@code key}. */
  public static byte[] hmacSha256(byte[] key, byte[] data) {
    return hmac("HmacSHA256", key, data);
  }

  private static byte[] hmac(String algorithm, byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has " + algorithm, e);
    }
  }

  static int fingerprint(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return (int) crc.getValue() ^ FINGERPRINT_XOR;
  }

  /**
   * Whether the message's MESSAGE-INTEGRITY (or, if it has one, MESSAGE-INTEGRITY-SHA256) is right
   * for {@code key}: the HMAC over the message up to the attribute, with the length field counting
   * up to its end.
   */
  public static boolean verify(StunMessage m, byte[] key) {
    StunMessage.Attribute sha256 = m.attribute(StunAttributes.MESSAGE_INTEGRITY_SHA256);
    StunMessage.Attribute sha1 = m.attribute(StunAttributes.MESSAGE_INTEGRITY);
    boolean useSha256 = sha256 != null;
    StunMessage.Attribute a = useSha256 ? sha256 : sha1;
    if (a == null) {
      return false;
    }
    byte[] covered = covered(m.raw(), a.offset(), a.offset() + 4 + ((a.value().length + 3) & ~3));
    byte[] expected = useSha256 ? hmacSha256(key, covered) : hmacSha1(key, covered);
    if (useSha256 && (a.value().length < 16 || a.value().length > 32)) {
      return false;
    }
    return MessageDigest.isEqual(Arrays.copyOf(expected, a.value().length), a.value());
  }

  /** Whether the message has a FINGERPRINT and it is right (RFC 8489 14.7). */
  public static boolean fingerprintOk(StunMessage m) {
    StunMessage.Attribute a = m.attribute(StunAttributes.FINGERPRINT);
    if (a == null || a.value().length != 4) {
      return false;
    }
    byte[] covered = covered(m.raw(), a.offset(), a.offset() + 8);
    return ByteBuffer.wrap(a.value()).getInt() == fingerprint(covered);
  }

  /**
   * The bytes before {@code offset}, with the header's length field set as if the message ended at
   * {@code end}.
   */
  private static byte[] covered(byte[] raw, int offset, int end) {
    byte[] c = Arrays.copyOf(raw, offset);
    int length = end - StunMessage.HEADER;
    c[2] = (byte) (length >> 8);
    c[3] = (byte) length;
    return c;
  }
}
