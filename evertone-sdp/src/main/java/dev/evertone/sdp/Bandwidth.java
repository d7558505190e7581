package dev.evertone.sdp;

/**
 * A {@code b=} line (RFC 8866 5.8), such as {@code b=AS:64} (kilobits per second) or {@code
 * b=TIAS:64000} (bits per second, RFC 3890).
 *
 * @param type the bandwidth type ({@code CT}, {@code AS}, {@code TIAS}, ...), as written
 * @param value the bandwidth, in the unit of its type
 */
public record Bandwidth(String type, long value) {

  public Bandwidth {
    Fields.token("b= type", type);
    if (type.indexOf(':') >= 0) {
      throw new IllegalArgumentException("b= type must not contain ':'");
    }
    if (value < 0) {
      throw new IllegalArgumentException("b= value must not be negative, was " + value);
    }
  }

  /** The text after {@code b=}. */
  public String line() {
    return type + ":" + value;
  }

  static Bandwidth parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected '<type>:<bandwidth>', e.g. 'AS:64'");
    }
    long value =
        Fields.number("the bandwidth", text.substring(colon + 1).strip(), 0, Long.MAX_VALUE);
    return new Bandwidth(text.substring(0, colon).strip(), value);
  }
}
