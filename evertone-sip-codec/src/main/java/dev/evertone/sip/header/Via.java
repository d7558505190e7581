package dev.evertone.sip.header;

import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.Hosts;
import dev.evertone.sip.syntax.Parameters;
import dev.evertone.sip.syntax.Scanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Via header value (RFC 3261 20.42): the sent protocol, the sent-by host and port, and
 * parameters (branch, received, rport of RFC 3581, maddr, ttl).
 */
public final class Via {
  /** The prefix of RFC 3261 branch values (section 8.1.1.7). */
  public static final String MAGIC_COOKIE = "z9hG4bK";

  private final String protocol;
  private final String transport;
  private final String host;
  private final int port;
  private final Parameters params;
  private @Nullable String sentBy;

  public Via(String protocol, String transport, String host, int port, Parameters params) {
    this.protocol = protocol;
    this.transport = transport.toUpperCase(Locale.ROOT);
    this.host = host;
    this.port = port;
    this.params = params;
  }

  /** Parses a Via header field value, which may hold several comma-separated values. */
  public static List<Via> parseList(String value) {
    Scanner sc = new Scanner(value);
    List<Via> out = new ArrayList<>(2);
    do {
      out.add(read(sc));
    } while (sc.skipSeparator(','));
    sc.expectEnd("Via");
    return out;
  }

  private static Via read(Scanner sc) {
    sc.skipWhitespace();
    String name = sc.token("protocol name");
    sc.expectSeparator('/', "'/' in sent-protocol");
    String version = sc.token("protocol version");
    sc.expectSeparator('/', "'/' in sent-protocol");
    String transport = sc.token("transport");
    int before = sc.position();
    sc.skipWhitespace();
    if (sc.position() == before) {
      throw sc.error("expected whitespace before sent-by");
    }
    int hostStart = sc.position();
    String host;
    if (sc.peek() == '[') {
      int close = sc.text().indexOf(']', hostStart);
      if (close < 0) {
        throw sc.error("unterminated IPv6 reference in sent-by");
      }
      host = sc.text().substring(hostStart, close + 1);
      sc.position(close + 1);
    } else {
      host = sc.until(":;,");
    }
    Hosts.check(host, hostStart);
    int port = -1;
    if (sc.skipSeparator(':')) {
      port = (int) sc.digits("port", 65535);
    }
    Parameters params = Parameters.parseHeaderParams(sc);
    checkParams(params, sc);
    return new Via(name.toUpperCase(Locale.ROOT) + "/" + version, transport, host, port, params);
  }

  private static void checkParams(Parameters params, Scanner sc) {
    String ttl = params.raw("ttl");
    if (ttl != null && !(isDigits(ttl) && ttl.length() <= 3 && Integer.parseInt(ttl) <= 255)) {
      throw sc.error("Via ttl must be 0-255");
    }
    String received = params.raw("received");
    if (received != null) {
      String ip =
          received.startsWith("[") && received.endsWith("]")
              ? received.substring(1, received.length() - 1)
              : received;
      if (!Hosts.isIpv4(ip) && !Hosts.isIpv6(ip)) {
        throw sc.error("Via received must be an IP address");
      }
    }
    String rport = params.raw("rport");
    if (rport != null
        && !(isDigits(rport) && rport.length() <= 5 && Integer.parseInt(rport) <= 65535)) {
      throw sc.error("Via rport must be a port number");
    }
    String branch = params.raw("branch");
    if (params.contains("branch") && (branch == null || !Chars.isToken(branch))) {
      throw sc.error("Via branch must be a token");
    }
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Chars.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** "SIP/2.0" for every message evertone accepts. */
  public String protocol() {
    return protocol;
  }

  /** The transport in upper case: UDP, TCP, TLS, SCTP, WS, WSS or an extension. */
  public String transport() {
    return transport;
  }

  /** The sent-by host as written (IPv6 in brackets). */
  public String host() {
    return host;
  }

  /** The sent-by port, or -1 if absent. */
  public int port() {
    return port;
  }

  public Parameters params() {
    return params;
  }

  public @Nullable String branch() {
    return params.raw("branch");
  }

  /** Whether the branch starts with the RFC 3261 magic cookie and has something after it. */
  public boolean hasRfc3261Branch() {
    String b = branch();
    return b != null && b.length() > MAGIC_COOKIE.length() && b.startsWith(MAGIC_COOKIE);
  }

  /** The received parameter without brackets, or null. */
  public @Nullable String received() {
    String r = params.raw("received");
    return r != null && r.startsWith("[") ? r.substring(1, r.length() - 1) : r;
  }

  /** Whether the rport parameter is present, with or without a value (RFC 3581). */
  public boolean hasRport() {
    return params.contains("rport");
  }

  /** The rport value, or -1 if absent or empty. */
  public int rport() {
    String r = params.raw("rport");
    return r == null ? -1 : Integer.parseInt(r);
  }

  public @Nullable String maddr() {
    return params.raw("maddr");
  }

  /**
   * The sent-by as {@code host:port} in lower case, the port defaulted per transport; for matching.
   */
  public String sentBy() {
    String s = sentBy;
    if (s == null) {
      int p = port >= 0 ? port : ("TLS".equals(transport) || "WSS".equals(transport) ? 5061 : 5060);
      sentBy = s = host.toLowerCase(Locale.ROOT) + ":" + p;
    }
    return s;
  }

  public Via withParam(String name, @Nullable String rawValue) {
    return new Via(protocol, transport, host, port, params.with(name, rawValue));
  }

  /** RFC 3261 18.2.1 received, and RFC 3581 rport filled with the source port when requested. */
  public Via withSource(String sourceIp, int sourcePort) {
    String receivedValue = sourceIp.indexOf(':') >= 0 ? "[" + sourceIp + "]" : sourceIp;
    boolean hostIsSource = host.equalsIgnoreCase(receivedValue) || host.equalsIgnoreCase(sourceIp);
    boolean rport = params.contains("rport");
    if (hostIsSource && !rport) {
      return this;
    }
    Parameters p = params.with("received", receivedValue);
    if (rport) {
      p = p.with("rport", Integer.toString(sourcePort));
    }
    return new Via(protocol, transport, host, port, p);
  }

  public void appendTo(StringBuilder out) {
    out.append(protocol).append('/').append(transport).append(' ').append(host);
    if (port >= 0) {
      out.append(':').append(port);
    }
    params.appendTo(out);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(64);
    appendTo(out);
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Via v && v.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return Objects.hash(toString());
  }
}
