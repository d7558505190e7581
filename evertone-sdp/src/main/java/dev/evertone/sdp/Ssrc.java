package dev.evertone.sdp;

import org.jspecify.annotations.Nullable;

/**
 * An {@code a=ssrc} attribute (RFC 5576 4.1): a property of one RTP synchronization source, e.g.
 * {@code 3238747428 cname:sip:alice@example.com}.
 *
 * @param ssrc the 32-bit SSRC
 * @param attribute the source attribute name ({@code cname}, {@code msid}...), "" if none given
 * @param value the source attribute value, or null when it has none
 */
public record Ssrc(long ssrc, String attribute, @Nullable String value) {

  public Ssrc {
    if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("ssrc must be from 0 to 4294967295, was " + ssrc);
    }
    attribute = Fields.text("ssrc attribute", attribute);
    if (value != null) {
      value = Fields.text("ssrc attribute value", value);
    }
  }

  /** Parses the value of an {@code a=ssrc} attribute. */
  public static Ssrc parse(String text) {
    String t = text.strip();
    long id = Fields.number("the ssrc", Fields.firstWord(t), 0, 0xFFFF_FFFFL);
    String rest = Fields.afterFirstBlank(t);
    int colon = rest.indexOf(':');
    if (colon < 0) {
      return new Ssrc(id, rest, null);
    }
    return new Ssrc(id, rest.substring(0, colon), rest.substring(colon + 1));
  }
}
