package dev.evertone.sip.auth;

import dev.evertone.sip.header.AuthHeader;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The client side of digest authentication (RFC 3261 22.2, RFC 7616, RFC 8760): evertone answering
 * a carrier's 401 or 407 with the trunk's account. The first challenge whose algorithm evertone
 * knows is answered, with qop=auth when offered.
 */
public final class DigestClient {
  private static final SecureRandom RANDOM = new SecureRandom();

  private DigestClient() {}

  /** The header an answer goes in, and its value. */
  public record Answer(String header, String value) {}

  /**
   * The credentials answering {@code challenge} (a 401 or 407) for a request of {@code method} to
   * {@code uri}, or null when it holds no digest challenge evertone can answer.
   */
  public static @Nullable Answer answer(
      SipResponse challenge, String method, String uri, String username, String password) {
    boolean proxy = challenge.status() == StatusCode.PROXY_AUTHENTICATION_REQUIRED;
    String name = proxy ? HeaderName.PROXY_AUTHENTICATE : HeaderName.WWW_AUTHENTICATE;
    for (AuthHeader h : challenge.authHeaders(name)) {
      if (!h.isDigest()) {
        continue;
      }
      String algorithmToken = h.param("algorithm");
      DigestAlgorithm algorithm =
          algorithmToken == null ? DigestAlgorithm.MD5 : DigestAlgorithm.fromToken(algorithmToken);
      String realm = h.param("realm");
      String nonce = h.param("nonce");
      if (algorithm == null || realm == null || nonce == null) {
        continue;
      }
      String qopOffered = h.param("qop");
      boolean auth =
          qopOffered != null
              && java.util.Arrays.stream(qopOffered.split(","))
                  .map(s -> s.strip().toLowerCase(Locale.ROOT))
                  .anyMatch("auth"::equals);
      String ha1 = algorithm.ha1(username, realm, password);
      StringBuilder v =
          new StringBuilder("Digest username=")
              .append(AuthHeader.quote(username))
              .append(", realm=")
              .append(AuthHeader.quote(realm))
              .append(", nonce=")
              .append(AuthHeader.quote(nonce))
              .append(", uri=")
              .append(AuthHeader.quote(uri));
      if (auth) {
        byte[] c = new byte[8];
        RANDOM.nextBytes(c);
        String cnonce = HexFormat.of().formatHex(c);
        String nc = "00000001"; // a fresh challenge for every request: the first use of its nonce
        // the response the server computes from these same values
        // (DigestCredentials.expectedResponse)
        String response =
            new DigestCredentials(username, realm, nonce, uri, "", algorithm, "auth", 1, nc, cnonce)
                .expectedResponse(ha1, method);
        v.append(", response=\"")
            .append(response)
            .append("\", qop=auth, nc=")
            .append(nc)
            .append(", cnonce=\"")
            .append(cnonce)
            .append('"');
      } else {
        // RFC 2069 compatibility (RFC 7616 3.4.1)
        String response =
            new DigestCredentials(username, realm, nonce, uri, "", algorithm, null, -1, null, null)
                .expectedResponse(ha1, method);
        v.append(", response=\"").append(response).append('"');
      }
      v.append(", algorithm=").append(algorithm.token());
      String opaque = h.param("opaque");
      if (opaque != null) {
        v.append(", opaque=").append(AuthHeader.quote(opaque));
      }
      return new Answer(
          proxy ? HeaderName.PROXY_AUTHORIZATION : HeaderName.AUTHORIZATION, v.toString());
    }
    return null;
  }
}
