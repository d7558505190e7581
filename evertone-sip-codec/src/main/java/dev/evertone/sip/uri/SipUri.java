package dev.evertone.sip.uri;

import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.Escapes;
import dev.evertone.sip.syntax.Hosts;
import dev.evertone.sip.syntax.Parameters;
import dev.evertone.sip.syntax.SipParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A SIP or SIPS URI (RFC 3261 19.1): {@code sip:user:password@host:port;uri-parameters?headers}.
 *
 * <p>Components are kept as written (escapes included) so that a URI is sent on exactly as it was
 * received; comparisons follow RFC 3261 19.1.4 and work on unescaped values.
 */
public final class SipUri implements Uri {
  private final boolean secure;
  private final @Nullable String user;
  private final @Nullable String password;
  private final String host;
  private final int port;
  private final Parameters params;
  private final @Nullable String headers;
  // The text this URI was parsed from, so that it is sent on as received without being rebuilt.
  private @Nullable String text;

  private SipUri(
      boolean secure,
      @Nullable String user,
      @Nullable String password,
      String host,
      int port,
      Parameters params,
      @Nullable String headers) {
    this.secure = secure;
    this.user = user;
    this.password = password;
    this.host = host;
    this.port = port;
    this.params = params;
    this.headers = headers;
  }

  /** A URI {@code sip:user@host} (user may be null), with no port, parameters or headers. */
  public static SipUri of(@Nullable String user, String host) {
    Hosts.check(host, 0);
    String escapedUser =
        user == null ? null : Escapes.escape(user, c -> Chars.isUserChar(c) && c != '%');
    return new SipUri(false, escapedUser, null, host, -1, Parameters.EMPTY, null);
  }

  public static SipUri parse(String text) {
    return parse(text, 0);
  }

  static SipUri parse(String text, int base) {
    int pos = schemeLength(text, base);
    boolean secure = pos == 5;
    String user = null;
    String password = null;
    int at = text.indexOf('@', pos);
    if (at >= 0) {
      int colon = text.indexOf(':', pos);
      int userEnd = colon >= 0 && colon < at ? colon : at;
      user = text.substring(pos, userEnd);
      if (user.isEmpty()) {
        throw new SipParseException("empty user part in SIP URI", base + pos);
      }
      Escapes.check(user, base + pos, Chars::isUserChar, "user part of SIP URI");
      if (userEnd < at) {
        password = text.substring(userEnd + 1, at);
        Escapes.check(password, base + userEnd + 1, Chars::isPasswordChar, "password of SIP URI");
      }
      pos = at + 1;
    }
    int hostStart = pos;
    pos = hostEnd(text, pos, base);
    String host = text.substring(hostStart, pos);
    Hosts.check(host, base + hostStart);
    int port = -1;
    if (pos < text.length() && text.charAt(pos) == ':') {
      int portStart = ++pos;
      long value = 0;
      while (pos < text.length() && Chars.isDigit(text.charAt(pos)) && pos - portStart < 6) {
        value = value * 10 + (text.charAt(pos) - '0');
        pos++;
      }
      if (pos == portStart
          || value > 65535
          || (pos < text.length() && ";?".indexOf(text.charAt(pos)) < 0)) {
        throw new SipParseException("invalid port in SIP URI", base + portStart);
      }
      port = (int) value;
    }
    Parameters.Builder params = null;
    while (pos < text.length() && text.charAt(pos) == ';') {
      if (params == null) {
        params = new Parameters.Builder();
      }
      pos = parameter(text, pos + 1, base, params);
    }
    String headers = null;
    if (pos < text.length() && text.charAt(pos) == '?') {
      headers = text.substring(pos + 1);
      checkHeaders(headers, base + pos + 1);
      pos = text.length();
    }
    if (pos != text.length()) {
      throw new SipParseException("unexpected character in SIP URI", base + pos);
    }
    SipUri uri =
        new SipUri(
            secure,
            user,
            password,
            host,
            port,
            params == null ? Parameters.EMPTY : params.build(),
            headers);
    if (text.startsWith(secure ? "sips:" : "sip:")) {
      uri.text = text; // the scheme is already in the canonical lower case
    }
    return uri;
  }

  /** The length of the scheme and its colon: 5 for "sips:", 4 for "sip:" (any case). */
  private static int schemeLength(String text, int base) {
    if (text.regionMatches(true, 0, "sips:", 0, 5)) {
      return 5;
    }
    if (text.regionMatches(true, 0, "sip:", 0, 4)) {
      return 4;
    }
    throw new SipParseException("not a SIP URI", base);
  }

  /** Where the host starting at {@code pos} ends: after an IPv6 reference's ']', or at : ; ?. */
  private static int hostEnd(String text, int pos, int base) {
    if (pos < text.length() && text.charAt(pos) == '[') {
      int close = text.indexOf(']', pos);
      if (close < 0) {
        throw new SipParseException("unterminated IPv6 reference in SIP URI", base + pos);
      }
      return close + 1;
    }
    int end = pos;
    while (end < text.length() && ":;?".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    return end;
  }

  /**
   * Reads the uri-parameter whose name starts at {@code nameStart} (just after its ';') into {@code
   * params}; returns where it ends.
   */
  private static int parameter(String text, int nameStart, int base, Parameters.Builder params) {
    int pos = nameStart;
    while (pos < text.length() && ";?=".indexOf(text.charAt(pos)) < 0) {
      pos++;
    }
    String name = text.substring(nameStart, pos);
    if (name.isEmpty()) {
      throw new SipParseException("empty URI parameter", base + nameStart);
    }
    Escapes.check(name, base + nameStart, Chars::isParamChar, "URI parameter name");
    String value = null;
    if (pos < text.length() && text.charAt(pos) == '=') {
      int valueStart = ++pos;
      while (pos < text.length() && ";?".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      value = text.substring(valueStart, pos);
      if (value.isEmpty()) {
        throw new SipParseException(
            "empty value of URI parameter '" + name + "'", base + valueStart);
      }
      Escapes.check(value, base + valueStart, Chars::isParamChar, "URI parameter value");
    }
    params.add(name, value);
    return pos;
  }

  private static void checkHeaders(String headers, int base) {
    int pos = 0;
    for (String header : headers.split("&", -1)) {
      int eq = header.indexOf('=');
      if (eq <= 0) {
        throw new SipParseException("URI header must be name=value", base + pos);
      }
      Escapes.check(header.substring(0, eq), base + pos, Chars::isHeaderChar, "URI header name");
      Escapes.check(
          header.substring(eq + 1), base + pos + eq + 1, Chars::isHeaderChar, "URI header value");
      pos += header.length() + 1;
    }
  }

  @Override
  public String scheme() {
    return secure ? "sips" : "sip";
  }

  public boolean isSecure() {
    return secure;
  }

  /** The user part as written (escapes kept), or null. */
  public @Nullable String user() {
    return user;
  }

  /** The user part with escapes resolved, or null. */
  public @Nullable String userUnescaped() {
    return user == null ? null : Escapes.unescape(user);
  }

  public @Nullable String password() {
    return password;
  }

  /** The host as written; an IPv6 address keeps its brackets. */
  public String host() {
    return host;
  }

  /** The port, or -1 when the URI has none. */
  public int port() {
    return port;
  }

  public Parameters params() {
    return params;
  }

  /**
   * The index of the parameter named {@code name}; names compare unescaped and case-insensitively.
   */
  private int paramIndex(String name) {
    for (int i = 0; i < params.size(); i++) {
      String n = params.name(i);
      if (n.equalsIgnoreCase(name)
          || (n.indexOf('%') >= 0 && Escapes.unescape(n).equalsIgnoreCase(name))) {
        return i;
      }
    }
    return -1;
  }

  /** Whether the URI has the parameter {@code name}, with or without a value. */
  public boolean hasParam(String name) {
    return paramIndex(name) >= 0;
  }

  /** The value of a URI parameter with escapes resolved; null if absent or a flag. */
  public @Nullable String param(String name) {
    int i = paramIndex(name);
    String raw = i < 0 ? null : params.rawValue(i);
    return raw == null ? null : Escapes.unescape(raw);
  }

  /** The {@code transport} parameter in lower case, or null. */
  public @Nullable String transport() {
    String t = param("transport");
    return t == null ? null : t.toLowerCase(Locale.ROOT);
  }

  /** Whether the URI carries the {@code lr} flag of a loose router (RFC 3261 19.1.1). */
  public boolean isLooseRouter() {
    return hasParam("lr");
  }

  /** The headers component after '?', as written, or null. */
  public @Nullable String headers() {
    return headers;
  }

  public SipUri withParam(String name, @Nullable String rawValue) {
    return new SipUri(secure, user, password, host, port, params.with(name, rawValue), headers);
  }

  public SipUri withoutParam(String name) {
    return new SipUri(secure, user, password, host, port, params.without(name), headers);
  }

  /** The same URI without parameters and headers. */
  public SipUri bare() {
    return new SipUri(secure, user, password, host, port, Parameters.EMPTY, null);
  }

  /**
   * The key of the address-of-record this URI names: scheme, unescaped user and lower-cased host,
   * without port, parameters or headers ({@code sip:1001@example.com}). SIP and SIPS URIs of the
   * same user name the same AOR (RFC 3261 10.3 step 5 compares the canonical form).
   */
  public String aorKey() {
    StringBuilder out = new StringBuilder(host.length() + 24).append("sip:");
    if (user != null) {
      out.append(Escapes.escape(Escapes.unescape(user), c -> Chars.isUserChar(c) && c != '%'))
          .append('@');
    }
    return out.append(host.toLowerCase(Locale.ROOT)).toString();
  }

  /** URI equality of RFC 3261 19.1.4. */
  public boolean equivalentTo(SipUri other) {
    if (secure != other.secure
        || port != other.port
        || !host.equalsIgnoreCase(other.host)
        || !Objects.equals(userUnescaped(), other.userUnescaped())
        || !Objects.equals(
            password == null ? null : Escapes.unescape(password),
            other.password == null ? null : Escapes.unescape(other.password))) {
      return false;
    }
    for (int i = 0; i < params.size(); i++) {
      String name = Escapes.unescape(params.name(i));
      if (!other.hasParam(name)) {
        if (isSignificantAlone(name)) {
          return false;
        }
        continue;
      }
      if (!equalValues(param(name), other.param(name))) {
        return false;
      }
    }
    for (int i = 0; i < other.params.size(); i++) {
      String name = Escapes.unescape(other.params.name(i));
      if (!hasParam(name) && isSignificantAlone(name)) {
        return false;
      }
    }
    return headerSet().equals(other.headerSet());
  }

  // RFC 3261 19.1.4: user, ttl, method and maddr in only one URI never match; transport too (the
  // RFC's examples treat sip:carol@chicago.com and ...;transport=tcp as different).
  private static boolean isSignificantAlone(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("user")
        || n.equals("ttl")
        || n.equals("method")
        || n.equals("maddr")
        || n.equals("transport");
  }

  private static boolean equalValues(@Nullable String a, @Nullable String b) {
    return a == null ? b == null : b != null && a.equalsIgnoreCase(b);
  }

  private List<String> headerSet() {
    List<String> out = new ArrayList<>();
    if (headers != null) {
      // every header is name=value (checked when parsed): nothing empty to drop
      for (String h : headers.split("&", -1)) {
        int eq = h.indexOf('=');
        out.add(
            Escapes.unescape(h.substring(0, eq)).toLowerCase(Locale.ROOT)
                + "="
                + Escapes.unescape(h.substring(eq + 1)));
      }
      out.sort(null);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SipUri u && u.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    String t = text;
    if (t != null) {
      return t;
    }
    StringBuilder out = new StringBuilder(64).append(secure ? "sips:" : "sip:");
    if (user != null) {
      out.append(user);
      if (password != null) {
        out.append(':').append(password);
      }
      out.append('@');
    }
    out.append(host);
    if (port >= 0) {
      out.append(':').append(port);
    }
    params.appendTo(out);
    if (headers != null) {
      out.append('?').append(headers);
    }
    text = t = out.toString();
    return t;
  }
}
