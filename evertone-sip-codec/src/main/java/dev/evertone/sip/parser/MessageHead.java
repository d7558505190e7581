package dev.evertone.sip.parser;

import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
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

  MessageHead(
      @Nullable String method,
      @Nullable Uri requestUri,
      int status,
      @Nullable String reason,
      String version,
      HeaderField[] fields,
      long contentLength,
      @Nullable String framingProblem,
      int framingStatus) {
    this.method = method;
    this.requestUri = requestUri;
    this.status = status;
    this.reason = reason;
    this.version = version;
    this.fields = fields;
    this.contentLength = contentLength;
    this.framingProblem = framingProblem;
    this.framingStatus = framingStatus;
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
}
