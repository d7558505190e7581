package dev.evertone.sip.auth;

import dev.evertone.sip.header.AuthHeader;
import dev.evertone.sip.syntax.Chars;
import org.jspecify.annotations.Nullable;

/**
 * The parameters of a Digest Authorization or Proxy-Authorization header (RFC 7616 3.4, RFC 8760).
 *
 * @param nc the nonce count as a number, or -1 without qop
 */
public record DigestCredentials(
    String username,
    String realm,
    String nonce,
    String uri,
    String response,
    DigestAlgorithm algorithm,
    @Nullable String qop,
    long nc,
    @Nullable String ncText,
    @Nullable String cnonce) {

  /**
   * Credentials that cannot be used: malformed (400) or of an algorithm or qop not offered
   * (challenge again).
   */
  public static final class Unusable extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean malformed;

    Unusable(String reason, boolean malformed) {
      super(reason, null, false, false);
      this.malformed = malformed;
    }

    /**
     * Whether the header is malformed (answer 400) rather than merely not usable here (challenge
     * again).
     */
    public boolean malformed() {
      return malformed;
    }
  }

  /**
   * Reads Digest credentials; other schemes are {@link Unusable} but not malformed (RFC 4475
   * 3.3.7).
   */
  public static DigestCredentials from(AuthHeader header) throws Unusable {
    if (!header.isDigest()) {
      throw new Unusable("auth scheme " + header.scheme() + " is not supported", false);
    }
    String username = required(header, "username");
    String realm = required(header, "realm");
    String nonce = required(header, "nonce");
    String uri = required(header, "uri");
    String response = required(header, "response");
    DigestAlgorithm algorithm = DigestAlgorithm.fromToken(header.param("algorithm"));
    if (algorithm == null) {
      throw new Unusable(
          "digest algorithm " + header.param("algorithm") + " is not supported", false);
    }
    if (response.length() != algorithm.hexLength() || !isHex(response)) {
      throw new Unusable("digest response is not " + algorithm.hexLength() + " hex digits", true);
    }
    String qop = header.param("qop");
    long nc = -1;
    String ncText = null;
    String cnonce = null;
    if (qop != null) {
      if (!qop.equalsIgnoreCase("auth")) {
        throw new Unusable("qop " + qop + " is not supported", false);
      }
      ncText = required(header, "nc");
      if (ncText.length() != 8 || !isHex(ncText)) {
        throw new Unusable("nc must be 8 hex digits", true);
      }
      nc = Long.parseLong(ncText, 16);
      cnonce = required(header, "cnonce");
    }
    return new DigestCredentials(
        username, realm, nonce, uri, response, algorithm, qop, nc, ncText, cnonce);
  }

  private static String required(AuthHeader h, String name) throws Unusable {
    String v = h.param(name);
    if (v == null) {
      throw new Unusable("digest credentials lack the " + name + " parameter", true);
    }
    return v;
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!Chars.isHexDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The expected response for a known HA1 (RFC 7616 3.4.1). */
  public String expectedResponse(String ha1, String method) {
    String ha2 = algorithm.hex(method + ":" + uri);
    String data =
        qop == null
            ? ha1 + ":" + nonce + ":" + ha2
            : ha1 + ":" + nonce + ":" + ncText + ":" + cnonce + ":" + qop + ":" + ha2;
    return algorithm.hex(data);
  }
}
