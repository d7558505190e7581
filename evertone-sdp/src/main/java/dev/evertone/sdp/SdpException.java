package dev.evertone.sdp;

/**
 * A session description that cannot be understood, or one over the configured {@link SdpLimits}.
 *
 * <p>The message names the line (1-based, counting every line of the body), the field (such as
 * {@code m=} or {@code a=rtpmap}) and what is accepted there, so that it can go into a log line or
 * a SIP Warning header as it is. A SIP server answers an INVITE whose body fails this way with 488
 * Not Acceptable Here (RFC 3261 21.4.26).
 */
public class SdpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final String field;
  private final String reason;

  /**
   * A problem found on line {@code line} (0 or less when it concerns the whole body) in {@code
   * field}.
   */
  public SdpException(int line, String field, String reason) {
    super(format(line, field, reason), null, false, false);
    this.line = line;
    this.field = field;
    this.reason = reason;
  }

  private static String format(int line, String field, String reason) {
    if (line > 0) {
      return "SDP line " + line + " (" + field + "): " + reason;
    }
    return "SDP " + field + ": " + reason;
  }

  /** The 1-based line number, or 0 when the problem concerns the whole body. */
  public int line() {
    return line;
  }

  /** The field, such as {@code m=} or {@code a=rtpmap}, or {@code body} for the whole body. */
  public String field() {
    return field;
  }

  /** What is wrong and what is accepted, without the line number. */
  public String reason() {
    return reason;
  }
}
