package dev.evertone.sip.parser;

import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.syntax.SipParseException;

/**
 * A message whose start line and headers parsed but whose body cannot be delimited: Content-Length is
 * missing where required, negative, repeated, not a number, too large, or larger than what arrived
 * (RFC 4475 3.1.2.2, 3.1.2.3, 3.3.9). It carries the message without its body so that a request can
 * still be answered; on a stream the connection must then be closed, because the next message's start
 * is unknown.
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
