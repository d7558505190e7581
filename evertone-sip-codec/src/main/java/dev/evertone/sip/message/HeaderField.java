package dev.evertone.sip.message;

import dev.evertone.sip.header.HeaderName;
import java.util.Objects;

/**
 * One header field: its canonical name and its value, unfolded (line folding replaced by one space) and
 * trimmed. The value holds octets as chars (ISO-8859-1), so it is sent on byte for byte.
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
    }
  }

  /** A field with the canonical spelling of {@code name}. */
  public static HeaderField of(String name, String value) {
    return new HeaderField(HeaderName.canonical(name), value);
  }
}
