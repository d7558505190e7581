package dev.evertone.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Digest challenges and their verification (RFC 3261 22.4, RFC 7616, RFC 8760).
 *
 * <p>Unknown users are checked against a dummy secret, so that their failure takes the same path
 * and gives the same answer as a wrong password: no response reveals whether an account exists.
 */
public final class DigestAuthenticator {
  private final NonceService nonces;
  private final NonceCounts counts;
  private final List<DigestAlgorithm> offered;
  private final Clock clock;

  public DigestAuthenticator(NonceService nonces, List<DigestAlgorithm> offered, Clock clock) {
    if (offered.isEmpty()) {
      throw new IllegalArgumentException("at least one digest algorithm must be offered");
    }
    this.nonces = nonces;
    this.offered = List.copyOf(offered);
    this.clock = clock;
    this.counts = new NonceCounts(nonces.lifetimeMillis(), clock.millis());
  }

  public List<DigestAlgorithm> offered() {
    return offered;
  }

  /**
   * The WWW-Authenticate (or Proxy-Authenticate) values: one per offered algorithm, most preferred
   * first (RFC 8760 2.4), sharing one fresh nonce, valid only for requests from {@code sourceIp}
   * (the address the challenge is sent to).
   */
  public List<String> challenges(String realm, String sourceIp, boolean stale) {
    String nonce = nonces.create(scope(realm, sourceIp));
    List<String> out = new ArrayList<>(offered.size());
    for (DigestAlgorithm a : offered) {
      StringBuilder c =
          new StringBuilder(128)
              .append("Digest realm=\"")
              .append(escape(realm))
              .append("\", nonce=\"")
              .append(nonce)
              .append("\", algorithm=")
              .append(a.token())
              .append(", qop=\"auth\"");
      if (stale) {
        c.append(", stale=true");
      }
      out.add(c.toString());
    }
    return out;
  }

  private static String escape(String s) {
    if (s.indexOf('"') < 0 && s.indexOf('\\') < 0) {
      return s;
    }
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** The outcome of checking credentials. */
  public enum Verdict {
    /** The digest is right, the nonce fresh and not replayed. */
    OK,
    /**
     * The nonce is not one we issued to this address (forged, from another server, sent to another
     * address), or it expired, or the right digest replays it: challenge again with stale=true. The
     * digest of a nonce that is not ours is not even checked: nothing an attacker forges, from any
     * address, can count as a failed guess.
     */
    STALE,
    /** Credentials for another realm or an algorithm not offered: challenge again. */
    NOT_APPLICABLE,
    /** Wrong digest, or unknown user, with a nonce we issued to this address. */
    WRONG
  }

  /**
   * Checks credentials of a request with {@code method} from {@code sourceIp} against the HA1 the
   * account has for the credentials' algorithm ({@code ha1} null for an unknown account or user).
   */
  public Verdict verify(
      DigestCredentials c, String method, String realm, String sourceIp, @Nullable String ha1) {
    if (!c.realm().equals(realm) || !offered.contains(c.algorithm())) {
      return Verdict.NOT_APPLICABLE;
    }
    // the nonce first: only one issued to this address (which got the challenge, so cannot be
    // spoofed) makes a wrong digest a failure that counts (RFC 7616 3.3 lets the server choose)
    OptionalLong nonce = nonces.validId(c.nonce(), scope(realm, sourceIp));
    if (nonce.isEmpty()) {
      return Verdict.STALE;
    }
    String key = ha1 != null ? ha1 : c.algorithm().hex("unknown:" + realm + ":" + c.username());
    String expected = c.expectedResponse(key, method);
    boolean match =
        MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            c.response().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    if (!match || ha1 == null) {
      return Verdict.WRONG;
    }
    if (!counts.accept(nonce.getAsLong(), Math.max(c.nc(), 0), clock.millis())) {
      return Verdict.STALE;
    }
    return Verdict.OK;
  }

  /** What a nonce is bound to: the realm, and the address its challenge went to. */
  private static String scope(String realm, String sourceIp) {
    return realm + "\n" + sourceIp;
  }
}
