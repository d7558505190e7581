package dev.evertone.sdp;

import org.jspecify.annotations.Nullable;

/**
 * One {@code a=} line (RFC 8866 5.13): a property ({@code a=rtcp-mux}, {@link #value()} null) or a
 * name and a value ({@code a=rtpmap:0 PCMU/8000}). Attributes that this codec does not know are
 * kept as they are, in order, and written back.
 *
 * @param name the attribute name, one word without a colon, as received (case kept)
 * @param value the text after the first colon (possibly empty), or null for a property attribute
 */
public record Attribute(String name, @Nullable String value) {

  public Attribute {
    Fields.token("attribute name", name);
    if (name.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "attribute name must not contain ':', was \"" + name + "\"");
    }
    if (value != null) {
      value = Fields.text("value of a=" + name, value);
    }
  }

  /** A property attribute such as {@code a=rtcp-mux}. */
  public static Attribute flag(String name) {
    return new Attribute(name, null);
  }

  /** A value attribute such as {@code a=mid:0}. */
  public static Attribute of(String name, String value) {
    return new Attribute(name, value);
  }

  /**
   * Whether this attribute is called {@code other} (attribute names compare case-insensitively).
   */
  public boolean is(String other) {
    return name.equalsIgnoreCase(other);
  }

  /** The value, or "" for a property attribute. */
  public String valueOrEmpty() {
    return value == null ? "" : value;
  }

  /** The text after {@code a=}: {@code name} or {@code name:value}. */
  public String line() {
    return value == null ? name : name + ":" + value;
  }

  /** Parses the text after {@code a=}. */
  static Attribute parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      return new Attribute(text, null);
    }
    return new Attribute(text.substring(0, colon), text.substring(colon + 1));
  }
}
