package dev.evertone.sdp;

import java.nio.charset.StandardCharsets;

/**
 * Reads a session description, leniently: LF or CRLF line ends, blank lines and trailing blanks are
 * accepted; session-level lines may come in any order before the first m= line; {@code t=}, {@code
 * r=}, {@code z=}, {@code u=}, {@code e=} and {@code p=} lines misplaced after an m= line are taken
 * as session-level; a missing {@code s=} or {@code t=} reads as {@code s=-} and {@code t=0 0};
 * unknown attributes and lines of unknown types are kept. What cannot be understood (no {@code v=0}
 * first, no {@code o=}, a bad port, a malformed rtpmap or candidate...) or is over the configured
 * {@link SdpLimits} is an {@link SdpException} naming the line, the field and what is accepted
 * there.
 *
 * <p>Thread-safe: a parser holds only its limits.
 */
public final class SdpParser {
  private final SdpLimits limits;

  public SdpParser(SdpLimits limits) {
    this.limits = limits;
  }

  /** A parser with {@link SdpLimits#DEFAULT}. */
  public SdpParser() {
    this(SdpLimits.DEFAULT);
  }

  /** Parses a body received as bytes, decoded as UTF-8 (RFC 8866 5). */
  public SessionDescription parse(byte[] body) {
    checkSize(body.length);
    return parseText(new String(body, StandardCharsets.UTF_8));
  }

  /** Parses a body already decoded. */
  public SessionDescription parse(String body) {
    if ((long) body.length() * 3 > limits.maxBodyBytes()) {
      checkSize(utf8Length(body)); // a char is at most 3 bytes of UTF-8: count only near the limit
    }
    return parseText(body);
  }

  private void checkSize(int bytes) {
    if (bytes > limits.maxBodyBytes()) {
      throw new SdpException(
          0,
          "body",
          "the body is "
              + bytes
              + " bytes, over the configured limit of "
              + limits.maxBodyBytes()
              + " bytes (maxBodyBytes)");
    }
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private SessionDescription parseText(String text) {
    ParseState state = new ParseState(limits);
    int pos = text.startsWith("\uFEFF") ? 1 : 0;
    int lineNo = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int end = nl < 0 ? text.length() : nl;
      lineNo++;
      String line = text.substring(pos, end);
      pos = end + 1;
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.length() > limits.maxLineLength()) {
        throw new SdpException(
            lineNo,
            line.length() > 1 && line.charAt(1) == '=' ? line.charAt(0) + "=" : "line",
            "the line is "
                + line.length()
                + " characters long, over the configured limit of "
                + limits.maxLineLength()
                + " (maxLineLength)");
      }
      line = Fields.stripTrailingBlanks(line);
      if (!line.isEmpty()) {
        state.accept(lineNo, line);
      }
    }
    return state.finish();
  }
}
