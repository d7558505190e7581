package dev.evertone.sip.header;

import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.Parameters;
import dev.evertone.sip.syntax.Scanner;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The value of an Authorization, Proxy-Authorization, WWW-Authenticate or Proxy-Authenticate header
 * (RFC 3261 20.7, 20.27, 20.28, 20.44; RFC 7616 3.3-3.4): an auth scheme followed by
 * comma-separated {@code name=value} parameters. Unknown schemes parse too (RFC 4475 3.3.7) and are
 * rejected later by whoever checks credentials.
 */
public final class AuthHeader {
  private final String scheme;
  private final Parameters params;

  public AuthHeader(String scheme, Parameters params) {
    this.scheme = Objects.requireNonNull(scheme);
    this.params = Objects.requireNonNull(params);
  }

  public static AuthHeader parse(String value) {
    Scanner sc = new Scanner(value);
    sc.skipWhitespace();
    String scheme = sc.token("auth scheme");
    int before = sc.position();
    sc.skipWhitespace();
    Parameters.Builder params = new Parameters.Builder();
    if (!sc.atEnd()) {
      if (sc.position() == before) {
        throw sc.error("expected whitespace after auth scheme");
      }
      do {
        String name = sc.token("auth parameter name");
        sc.expectSeparator('=', "'=' after auth parameter " + name);
        params.add(name, value(sc));
      } while (sc.skipSeparator(','));
    }
    sc.expectEnd("auth parameters");
    return new AuthHeader(scheme, params.build());
  }

  private static String value(Scanner sc) {
    if (sc.peek() == '"') {
      return sc.rawQuotedString();
    }
    // token; some clients also leave URIs unquoted, so ':' '/' '@' '[' ']' '=' are tolerated
    int start = sc.position();
    while (!sc.atEnd()) {
      char c = sc.peek();
      if (Chars.isToken(c) || ":/@[]=;?&$".indexOf(c) >= 0) {
        sc.next();
      } else {
        break;
      }
    }
    if (sc.position() == start) {
      throw sc.error("expected auth parameter value");
    }
    return sc.text().substring(start, sc.position());
  }

  public String scheme() {
    return scheme;
  }

  public boolean isDigest() {
    return scheme.equalsIgnoreCase("Digest");
  }

  public Parameters params() {
    return params;
  }

  /** A parameter's value, unquoted, or null. */
  public @Nullable String param(String name) {
    return params.get(name);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(128).append(scheme);
    for (int i = 0; i < params.size(); i++) {
      out.append(i == 0 ? " " : ", ").append(params.name(i)).append('=').append(params.rawValue(i));
    }
    return out.toString();
  }

  /** Quotes {@code value} as a quoted-string, escaping '"' and '\'. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"').toString();
  }
}
