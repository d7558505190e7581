package dev.evertone.stun.turn;

import dev.evertone.stun.StunAttributes;
import dev.evertone.stun.StunEncoder;
import dev.evertone.stun.StunIntegrity;
import dev.evertone.stun.StunMessage;
import dev.evertone.stun.TurnConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-term credential mechanism of TURN (RFC 8656 5, RFC 8489 9.2): static accounts, or the
 * TURN REST convention with rotating shared secrets (user name {@code expiry:user}, password the
 * base64 HMAC-SHA1 of the user name); nonces that prove when they were made, good for the nonce
 * lifetime; MESSAGE-INTEGRITY checked against every key the user name may have.
 */
final class LongTermCredentials {
  private static final Logger log = LoggerFactory.getLogger(LongTermCredentials.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TurnConfig config;
  private final long nonceMillis;
  private final Clock clock;
  private final byte[] nonceKey = new byte[32];

  /** What an authenticated request is handed to: its user and the key it is signed with. */
  @FunctionalInterface
  interface Handler {
    byte @Nullable [] handle(String user, byte[] key);
  }

  LongTermCredentials(TurnConfig config, Duration nonceLifetime, Clock clock) {
    this.config = config;
    this.nonceMillis = nonceLifetime.toMillis();
    this.clock = clock;
    RANDOM.nextBytes(nonceKey);
  }

  /**
   * Checks the credentials of {@code m} (RFC 8489 9.2.4) and answers it with {@code handler}: a
   * request without MESSAGE-INTEGRITY is challenged (401 with REALM and a NONCE), one without
   * USERNAME, REALM or NONCE is refused (400), a stale nonce gets a new one (438), and wrong
   * credentials are challenged again (401).
   */
  byte @Nullable [] authenticate(
      StunMessage m, InetSocketAddress client, boolean fingerprint, Handler handler) {
    String username = m.text(StunAttributes.USERNAME);
    String nonce = m.text(StunAttributes.NONCE);
    if (m.attribute(StunAttributes.MESSAGE_INTEGRITY) == null) {
      return challenge(m, 401, "Unauthorized", fingerprint);
    }
    if (username == null || nonce == null || m.text(StunAttributes.REALM) == null) {
      return StunEncoder.responseTo(m, false)
          .error(400, "Bad Request: USERNAME, REALM and NONCE are needed")
          .encode(null, fingerprint);
    }
    if (!nonceValid(nonce)) {
      return challenge(m, 438, "Stale Nonce", fingerprint);
    }
    byte[] key = null;
    for (byte[] candidate : keys(username)) {
      if (StunIntegrity.verify(m, candidate)) {
        key = candidate;
        break;
      }
    }
    if (key == null) {
      log.warn("TURN authentication failed for {} from {}", username, client);
      return challenge(m, 401, "Unauthorized", fingerprint);
    }
    String user = username.contains(":") ? username.substring(username.indexOf(':') + 1) : username;
    return handler.handle(user, key);
  }

  private byte[] challenge(StunMessage m, int code, String reason, boolean fingerprint) {
    return StunEncoder.responseTo(m, false)
        .error(code, reason)
        .text(StunAttributes.REALM, config.realm())
        .text(StunAttributes.NONCE, newNonce())
        .encode(null, fingerprint);
  }

  /**
   * The keys a user name may have: its static password, or the REST password of each secret while
   * it has not expired.
   */
  private List<byte[]> keys(String username) {
    List<byte[]> out = new ArrayList<>();
    String password = config.users().get(username);
    if (password != null) {
      out.add(StunIntegrity.longTermKey(username, config.realm(), password));
    }
    int colon = username.indexOf(':');
    if (colon > 0 && !config.secrets().isEmpty()) {
      try {
        long expiry = Long.parseLong(username.substring(0, colon));
        if (expiry * 1000 > clock.millis()) {
          for (String secret : config.secrets()) {
            out.add(
                StunIntegrity.longTermKey(
                    username, config.realm(), StunIntegrity.restPassword(secret, username)));
          }
        }
      } catch (NumberFormatException e) {
        // not a REST user name
      }
    }
    return out;
  }

  /**
   * A nonce that proves when it was made (RFC 8489 9.2: the server decides how long it is good).
   */
  private String newNonce() {
    long now = clock.millis();
    byte[] stamp = ByteBuffer.allocate(8).putLong(now).array();
    return HexFormat.of().formatHex(stamp)
        + HexFormat.of().formatHex(Arrays.copyOf(StunIntegrity.hmacSha256(nonceKey, stamp), 12));
  }

  private boolean nonceValid(String nonce) {
    if (nonce.length() != 40 || !nonce.matches("[0-9a-f]+")) {
      return false;
    }
    byte[] stamp = HexFormat.of().parseHex(nonce.substring(0, 16));
    byte[] mac = HexFormat.of().parseHex(nonce.substring(16));
    long at = ByteBuffer.wrap(stamp).getLong();
    return MessageDigest.isEqual(mac, Arrays.copyOf(StunIntegrity.hmacSha256(nonceKey, stamp), 12))
        && clock.millis() - at < nonceMillis;
  }
}
