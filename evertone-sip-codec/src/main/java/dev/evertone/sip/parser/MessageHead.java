package dev.evertone.sip.parser;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.uri.Uri;
import org.jspecify.annotations.Nullable;

/**
 * The start line and header fields of a message, parsed before its body is read; tells how long the
 * body is (Content-Length).
 */
public final class MessageHead {
  private final @Nullable String method;
  private final @Nullable Uri requestUri;
  private final int status;
  private final @Nullable String reason;
  private final String version;
  private final HeaderField[] fields;
  private final long contentLength;
  private final @Nullable String framingProblem;
  private final int framingStatus;

  /**
   * A head whose body length is read from its Content-Length (RFC 3261 20.14): absent, -1; a second
   * one, a value that is not a number, or one above {@code maxMessageBytes} (ParseLimits) is a
   * framing problem (RFC 4475 3.3.9), found at the first such field.
   */
  MessageHead(
      @Nullable String method,
      @Nullable Uri requestUri,
      int status,
      @Nullable String reason,
      String version,
      HeaderField[] fields,
      int maxMessageBytes) {
    this.method = method;
    this.requestUri = requestUri;
    this.status = status;
    this.reason = reason;
    this.version = version;
    this.fields = fields;
    long length = -1;
    String problem = null;
    int problemStatus = 400;
    for (HeaderField field : fields) {
      if (!field.name().equals(HeaderName.CONTENT_LENGTH)) {
        continue;
      }
      if (length >= 0) {
        problem = "more than one Content-Length header (RFC 4475 3.3.9)";
        break;
      }
      length = contentLengthValue(field.value());
      if (length == -2) {
        problem = "Content-Length is not a non-negative number: '" + field.value() + "'";
        break;
      }
      if (length > maxMessageBytes) {
        problem =
            "Content-Length " + length + " exceeds the limit of " + maxMessageBytes + " bytes";
        problemStatus = 413;
        break;
      }
    }
    this.contentLength = length;
    this.framingProblem = problem;
    this.framingStatus = problemStatus;
  }

  public boolean isRequest() {
    return method != null;
  }

  /**
   * Content-Length, or -1 when the header is absent. Meaningless if {@link #framingProblem()} is
   * set.
   */
  public long contentLength() {
    return contentLength;
  }

  /** Why the body cannot be delimited (a bad Content-Length), or null. */
  public @Nullable String framingProblem() {
    return framingProblem;
  }

  public int framingStatus() {
    return framingStatus;
  }

  /** The message with {@code body}. */
  public SipMessage toMessage(byte[] body) {
    if (method != null && requestUri != null) {
      return new SipRequest(method, requestUri, version, fields, body);
    }
    return new SipResponse(status, reason == null ? "" : reason, version, fields, body);
  }

  /** Fails with a {@link FramingException} if the body cannot be delimited. */
  public void checkFraming() {
    if (framingProblem != null) {
      throw new FramingException(framingProblem, framingStatus, toMessage(new byte[0]));
    }
  }

  /** Content-Length value, -2 if it is not 1*DIGIT. */
  private static long contentLengthValue(String value) {
    if (value.isEmpty() || value.length() > 10) {
      return -2;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Chars.isDigit(c)) {
        return -2;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
