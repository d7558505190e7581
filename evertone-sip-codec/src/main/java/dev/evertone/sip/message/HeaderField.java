package dev.evertone.sip.message;

import dev.evertone.sip.header.HeaderName;
import java.util.Objects;

/**
 * One header field: its canonical name and its value, unfolded (line folding replaced by one space)
 * and trimmed. The value holds octets as chars (ISO-8859-1), so it is sent on byte for byte.
 */
public record HeaderField(String name, String value) {
  public HeaderField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n') {
        throw new IllegalArgumentException("header value of " + name + " contains a line break");
      }
      if (c > 0xff) {
        throw new IllegalArgumentException(
            "header value of "
                + name
                + " holds text, not octets; encode it with HeaderField.utf8()");
      }
    }
  }

  /** Text as wire octets: the UTF-8 encoding of {@code text}, one char per octet. */
  public static String utf8(String text) {
    return new String(
        text.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** A field with the canonical spelling of {@code name}. */
  public static HeaderField of(String name, String value) {
    return new HeaderField(HeaderName.canonical(name), value);
  }
}
