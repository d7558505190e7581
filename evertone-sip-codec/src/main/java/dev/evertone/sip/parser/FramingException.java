package dev.evertone.sip.parser;

import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.syntax.SipParseException;

/**
 * A message whose header fields parsed but which cannot be used as it is: its body cannot be
 * delimited (Content-Length negative, repeated, not a number, too large, or larger than what
 * arrived: RFC 4475 3.1.2.2, 3.1.2.3, 3.3.9), or its Request-Line is malformed (RFC 4475 3.1.2.7 to
 * 3.1.2.10). It carries the message, without body, so that a request can still be answered from its
 * header fields; on a stream the connection is then closed, because what follows cannot be trusted
 * to be framed.
 */
public final class FramingException extends SipParseException {
  private static final long serialVersionUID = 1L;

  private final transient SipMessage message;

  public FramingException(String reason, int statusCode, SipMessage message) {
    super(reason, -1, statusCode);
    this.message = message;
  }

  /** The message with an empty body. */
  public SipMessage message() {
    return message;
  }
}
