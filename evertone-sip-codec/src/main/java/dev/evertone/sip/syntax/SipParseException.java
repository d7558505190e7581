package dev.evertone.sip.syntax;

/**
 * A message, or a part of one, that does not follow the SIP grammar (RFC 3261 section 25) or breaks
 * a rule of the protocol that the parser enforces.
 *
 * <p>It carries the offset at which the problem was found (relative to the text that was being
 * parsed) and the status code a server should answer a request with: 400 for syntax, 505 for an
 * unsupported protocol version, 413 for a message over the size limits. Whether an answer is sent
 * at all is decided in one place, by the transport layer.
 */
public class SipParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final int offset;
  private final int statusCode;

  public SipParseException(String reason, int offset) {
    this(reason, offset, 400);
  }

  public SipParseException(String reason, int offset, int statusCode) {
    super(reason, null, false, false);
    this.reason = reason;
    this.offset = offset;
    this.statusCode = statusCode;
  }

  /**
   * Where the problem was found, in characters from the start of the parsed text; -1 if unknown.
   */
  public int offset() {
    return offset;
  }

  /** The status code of the response a server sends to a request that fails this way. */
  public int statusCode() {
    return statusCode;
  }

  /** The reason, without the offset: short enough for a reason phrase or a Warning header. */
  public String reason() {
    return reason;
  }

  /**
   * The same problem with its offset moved by {@code base}, for errors found inside a header value.
   */
  public SipParseException shifted(int base, String context) {
    int at = offset < 0 ? -1 : base + offset;
    return new SipParseException(context + ": " + reason(), at, statusCode);
  }

  @Override
  public String getMessage() {
    return offset < 0 ? reason() : reason() + " (at offset " + offset + ")";
  }
}
