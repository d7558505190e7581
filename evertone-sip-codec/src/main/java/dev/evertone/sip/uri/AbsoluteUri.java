package dev.evertone.sip.uri;

import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.Escapes;

/**
 * A URI of a scheme evertone does not interpret (e.g. {@code http:}, {@code urn:}, {@code isbn:}):
 * kept as written. RFC 3261 19.1 lets such URIs appear in most header fields; a Request-URI of such
 * a scheme is answered 416 by the element that has to act on it.
 */
public final class AbsoluteUri implements Uri {
  private final String scheme;
  private final String text;

  private AbsoluteUri(String scheme, String text) {
    this.scheme = scheme;
    this.text = text;
  }

  static AbsoluteUri parse(String scheme, String text, int base) {
    String rest = text.substring(scheme.length() + 1);
    if (rest.isEmpty()) {
      throw new dev.evertone.sip.syntax.SipParseException(
          "empty URI after scheme", base + text.length());
    }
    Escapes.check(rest, base + scheme.length() + 1, Chars::isUric, "URI");
    return new AbsoluteUri(scheme, text);
  }

  @Override
  public String scheme() {
    return scheme;
  }

  /** Everything after {@code scheme:}. */
  public String schemeSpecificPart() {
    return text.substring(scheme.length() + 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AbsoluteUri u
        && u.scheme.equals(scheme)
        && u.schemeSpecificPart().equals(schemeSpecificPart());
  }

  @Override
  public int hashCode() {
    return scheme.hashCode() * 31 + schemeSpecificPart().hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
