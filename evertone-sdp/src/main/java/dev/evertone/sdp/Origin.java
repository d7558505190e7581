package dev.evertone.sdp;

import java.util.List;

/**
 * The {@code o=} line (RFC 8866 5.2): who made the description and which version of it this is. The
 * triple of username, session id and address identifies the session; the version goes up by one
 * each time its owner changes it (RFC 3264 8).
 *
 * @param username the originator's login, {@code -} when there is none
 * @param sessionId a numeric string chosen by the originator
 * @param sessionVersion the version of this description
 * @param netType {@code IN}
 * @param addrType {@code IP4} or {@code IP6}
 * @param address the originator's address (informational; it is not used to send media)
 */
public record Origin(
    String username,
    String sessionId,
    long sessionVersion,
    String netType,
    String addrType,
    String address) {

  public Origin {
    Fields.token("o= username", username);
    Fields.token("o= session id", sessionId);
    if (sessionVersion < 0) {
      throw new IllegalArgumentException(
          "o= session version must not be negative, was " + sessionVersion);
    }
    Fields.token("o= network type", netType);
    Fields.token("o= address type", addrType);
    Fields.token("o= address", address);
  }

  /** An origin in the Internet ({@code IN}) at {@code address}, IPv6 when it contains a colon. */
  public static Origin of(String username, String sessionId, long version, String address) {
    return new Origin(
        username, sessionId, version, "IN", address.indexOf(':') >= 0 ? "IP6" : "IP4", address);
  }

  /** The same origin with another version. */
  public Origin withSessionVersion(long version) {
    return new Origin(username, sessionId, version, netType, addrType, address);
  }

  /** The same origin, one version later: what a modified description carries (RFC 3264 8). */
  public Origin next() {
    return withSessionVersion(sessionVersion + 1);
  }

  /** Whether {@code other} describes the same session (same username, id and address). */
  public boolean sameSession(Origin other) {
    return username.equals(other.username)
        && sessionId.equals(other.sessionId)
        && netType.equalsIgnoreCase(other.netType)
        && addrType.equalsIgnoreCase(other.addrType)
        && address.equalsIgnoreCase(other.address);
  }

  /** The text after {@code o=}. */
  public String line() {
    return String.join(
        " ", username, sessionId, Long.toString(sessionVersion), netType, addrType, address);
  }

  static Origin parse(String text) {
    List<String> t = Fields.tokens(text);
    if (t.size() != 6) {
      throw new IllegalArgumentException(
          "expected '<username> <session id> <version> IN IP4|IP6 <address>', e.g. '- 4858 1 IN"
              + " IP4 192.0.2.1'");
    }
    long version = Fields.number("the session version", t.get(2), 0, Long.MAX_VALUE);
    return new Origin(t.get(0), t.get(1), version, t.get(3), t.get(4), t.get(5));
  }
}
