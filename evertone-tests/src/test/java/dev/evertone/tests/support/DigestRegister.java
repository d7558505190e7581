package dev.evertone.tests.support;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** A REGISTER with MD5 digest, computed independently of evertone's code. */
public final class DigestRegister {
  private DigestRegister() {}

  private static final java.util.concurrent.atomic.AtomicInteger CSEQ =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Registers {@code user@domain}; returns the final status. */
  public static int register(SipTestClient client, String user, String domain, String password)
      throws IOException {
    return register(client, user, domain, password, "");
  }

  /**
   * Registers {@code user@domain} with contact parameters such as {@code ;q=0.5}; returns the final
   * status.
   */
  public static int register(
      SipTestClient client, String user, String domain, String password, String contactParams)
      throws IOException {
    String callId = UUID.randomUUID().toString();
    String first =
        client.exchange(
            request(client, user, domain, callId, CSEQ.incrementAndGet(), null, contactParams));
    if (first == null || !first.startsWith("SIP/2.0 401")) {
      return first == null ? -1 : Integer.parseInt(first.substring(8, 11));
    }
    String auth = answer(first, "REGISTER", "sip:" + domain, user, domain, password);
    String second =
        client.exchange(
            request(client, user, domain, callId, CSEQ.incrementAndGet(), auth, contactParams));
    return second == null ? -1 : Integer.parseInt(second.substring(8, 11));
  }

  /**
   * The credentials (MD5, qop=auth) that answer the first MD5 challenge of {@code challenge} for a
   * request of {@code method} to {@code uri}: the value of an Authorization or Proxy-Authorization
   * header.
   */
  public static String answer(
      String challenge, String method, String uri, String user, String realm, String password) {
    Matcher m = Pattern.compile("nonce=\"([^\"]+)\", algorithm=MD5").matcher(challenge);
    if (!m.find()) {
      throw new IllegalStateException("no MD5 challenge: " + challenge);
    }
    String nonce = m.group(1);
    String ha1 = md5(user + ":" + realm + ":" + password);
    String response = md5(ha1 + ":" + nonce + ":00000001:abcd:auth:" + md5(method + ":" + uri));
    return "Digest username=\""
        + user
        + "\", realm=\""
        + realm
        + "\", nonce=\""
        + nonce
        + "\", uri=\""
        + uri
        + "\", response=\""
        + response
        + "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"abcd\"";
  }

  private static String request(
      SipTestClient c,
      String user,
      String domain,
      String callId,
      int cseq,
      @Nullable String auth,
      String contactParams) {
    return "REGISTER sip:"
        + domain
        + " SIP/2.0\r\nVia: SIP/2.0/"
        + c.transport()
        + " 127.0.0.1:"
        + c.port()
        + ";branch=z9hG4bK"
        + System.nanoTime()
        + ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:"
        + user
        + "@"
        + domain
        + ">;tag=t"
        + cseq
        + "\r\nTo: <sip:"
        + user
        + "@"
        + domain
        + ">\r\nCall-ID: "
        + callId
        + "\r\nCSeq: "
        + cseq
        + " REGISTER\r\nContact: <sip:"
        + user
        + "@127.0.0.1:"
        + c.port()
        + (c.transport().equals("UDP")
            ? ""
            : ";transport=" + c.transport().toLowerCase(java.util.Locale.ROOT))
        + ">"
        + contactParams
        + "\r\n"
        + (auth == null ? "" : "Authorization: " + auth + "\r\n")
        + "Expires: 600\r\nContent-Length: 0\r\n\r\n";
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("MD5")
                  .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
