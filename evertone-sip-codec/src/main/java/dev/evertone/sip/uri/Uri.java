package dev.evertone.sip.uri;

import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.SipParseException;
import java.util.Locale;

/**
 * A URI as SIP carries it: a SIP or SIPS URI (RFC 3261 19.1), a TEL URI (RFC 3966), or any other
 * absolute URI, kept opaque (RFC 3261 19.1: an element must accept URIs of schemes it does not
 * know). {@code toString()} gives the wire form.
 */
public sealed interface Uri permits SipUri, TelUri, AbsoluteUri {

  /** The scheme in lower case: "sip", "sips", "tel", or another. */
  String scheme();

  /** Parses a URI; the scheme decides which kind. */
  static Uri parse(String text) {
    return parse(text, 0);
  }

  /** Parses a URI, reporting errors at offsets relative to {@code base}. */
  static Uri parse(String text, int base) {
    int colon = text.indexOf(':');
    if (colon <= 0 || !Chars.isAlpha(text.charAt(0))) {
      throw new SipParseException(
          "not a URI (expected scheme:...): '" + abbreviate(text) + "'", base);
    }
    for (int i = 1; i < colon; i++) {
      if (!Chars.isSchemeChar(text.charAt(i))) {
        throw new SipParseException("invalid character in URI scheme", base + i);
      }
    }
    if ((colon == 3 && text.regionMatches(true, 0, "sip", 0, 3))
        || (colon == 4 && text.regionMatches(true, 0, "sips", 0, 4))) {
      return SipUri.parse(text, base);
    }
    if (colon == 3 && text.regionMatches(true, 0, "tel", 0, 3)) {
      return TelUri.parse(text, base);
    }
    return AbsoluteUri.parse(text.substring(0, colon).toLowerCase(Locale.ROOT), text, base);
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
