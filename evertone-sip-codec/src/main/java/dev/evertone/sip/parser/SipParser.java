package dev.evertone.sip.parser;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.uri.Uri;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns octets into {@link SipMessage}s (RFC 3261 section 7 and 25). Only the start line and the
 * header field boundaries are parsed here; header values are parsed when first used. Thread-safe.
 *
 * <p>Lines end with CRLF; a bare LF is tolerated, a bare CR is not. A line starting with whitespace
 * continues the previous header field (folding), and the fold becomes a single space.
 */
public final class SipParser {
  private final ParseLimits limits;

  public SipParser(ParseLimits limits) {
    this.limits = limits;
  }

  public ParseLimits limits() {
    return limits;
  }

  /**
   * Parses one UDP datagram (RFC 3261 18.3): the body is Content-Length octets, or the rest of the
   * datagram if the header is absent; octets beyond the body are discarded (RFC 4475 3.1.1.8).
   *
   * @throws FramingException if the message parsed but its Content-Length is unusable
   * @throws SipParseException if no message could be recovered
   */
  public SipMessage parseDatagram(byte[] data, int off, int len) {
    if (len > limits.maxMessageBytes()) {
      throw new SipParseException(
          "message of " + len + " bytes exceeds the limit of " + limits.maxMessageBytes(), -1, 413);
    }
    int end = off + len;
    int start = skipLeadingLineEnds(data, off, end);
    int headEnd = findHeaderEnd(data, start, Math.min(end, start + limits.maxHeaderBytes()));
    if (headEnd < 0) {
      throw new SipParseException(
          end - start > limits.maxHeaderBytes()
              ? "headers exceed " + limits.maxHeaderBytes() + " bytes"
              : "no blank line after the headers",
          len,
          end - start > limits.maxHeaderBytes() ? 413 : 400);
    }
    MessageHead head = parseHead(data, start, headEnd - start);
    head.checkFraming();
    int available = end - headEnd;
    long contentLength = head.contentLength();
    int bodyLength;
    if (contentLength < 0) {
      bodyLength = available;
    } else if (contentLength > available) {
      throw new FramingException(
          "Content-Length "
              + contentLength
              + " is larger than the "
              + available
              + " body bytes received",
          400,
          head.toMessage(new byte[0]));
    } else {
      bodyLength = (int) contentLength;
    }
    return head.toMessage(Arrays.copyOfRange(data, headEnd, headEnd + bodyLength));
  }

  /** Parses a whole message held in a byte array, as a datagram. */
  public SipMessage parse(byte[] data) {
    return parseDatagram(data, 0, data.length);
  }

  /** The index of the first octet that is not CR or LF. */
  public static int skipLeadingLineEnds(byte[] buf, int from, int to) {
    int i = from;
    while (i < to && (buf[i] == '\r' || buf[i] == '\n')) {
      i++;
    }
    return i;
  }

  /**
   * The index just after the empty line that ends the headers (CRLF CRLF, or LF LF), searching
   * {@code buf[from, to)}; -1 if not found.
   */
  public static int findHeaderEnd(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      if (buf[i] == '\n') {
        if (i + 1 < to && buf[i + 1] == '\n') {
          return i + 2;
        }
        if (i + 2 < to && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
          return i + 3;
        }
      }
    }
    return -1;
  }

  /**
   * Parses the start line and header fields in {@code buf[off, off+len)}, which ends with the empty
   * line. A bad Content-Length does not fail here; it is reported by {@link
   * MessageHead#framingProblem()} so that the request can still be answered.
   */
  public MessageHead parseHead(byte[] buf, int off, int len) {
    int end = off + len;
    int lineStart = skipLeadingLineEnds(buf, off, end);
    int lineEnd = lineEnd(buf, lineStart, end);
    if (lineEnd < 0) {
      throw new SipParseException("no start line", 0);
    }
    String startLine =
        new String(
            buf,
            lineStart,
            contentEnd(buf, lineStart, lineEnd) - lineStart,
            StandardCharsets.ISO_8859_1);
    HeaderField[] fields = headerFields(buf, lineEnd + 1, end, off);
    int maxMessageBytes = limits.maxMessageBytes();
    if (startLine.regionMatches(true, 0, "SIP/", 0, 4)) {
      return statusLine(startLine, fields, maxMessageBytes);
    }
    try {
      return requestLine(startLine, fields, maxMessageBytes);
    } catch (SipParseException e) {
      // RFC 4475 3.1.2.7-10: a request whose Request-Line is malformed is still answered 400 when
      // its header fields parse; the answer copies only those.
      throw new FramingException(
          e.reason(),
          e.statusCode(),
          new SipRequest(
              placeholderMethod(startLine),
              UNPARSABLE_URI,
              MessageValidator.VERSION,
              fields,
              new byte[0]));
    }
  }

  /**
   * The header fields in {@code buf[pos, end)}, up to the empty line; offsets in errors count from
   * {@code off}.
   */
  private HeaderField[] headerFields(byte[] buf, int pos, int end, int off) {
    HeaderField[] fields = new HeaderField[16];
    int count = 0;
    while (pos < end) {
      int eol = lineEnd(buf, pos, end);
      if (eol < 0) {
        throw new SipParseException("header section not terminated by an empty line", pos - off);
      }
      int contentEnd = contentEnd(buf, pos, eol);
      if (contentEnd == pos) {
        break; // the empty line
      }
      if (buf[pos] == ' ' || buf[pos] == '\t') {
        throw new SipParseException("folded line without a header field before it", pos - off);
      }
      // name: token, then optional whitespace, then ':' (RFC 3261 7.3.1 allows "TO :")
      int nameEnd = pos;
      while (nameEnd < contentEnd && Chars.isToken((char) (buf[nameEnd] & 0xff))) {
        nameEnd++;
      }
      int colon = nameEnd;
      while (colon < contentEnd && (buf[colon] == ' ' || buf[colon] == '\t')) {
        colon++;
      }
      if (nameEnd == pos || colon >= contentEnd || buf[colon] != ':') {
        throw new SipParseException("malformed header line (expected 'Name: value')", pos - off);
      }
      String name = HeaderName.canonical(buf, pos, nameEnd - pos);
      int next = foldedEnd(buf, eol + 1, end, off);
      String value = unfolded(buf, colon + 1, contentEnd, eol + 1, next);
      if (count == limits.maxHeaders()) {
        throw new SipParseException(
            "more than " + limits.maxHeaders() + " header fields", pos - off, 413);
      }
      if (count == fields.length) {
        fields = Arrays.copyOf(fields, count * 2);
      }
      fields[count++] = new HeaderField(name, value);
      pos = next;
    }
    return count == fields.length ? fields : Arrays.copyOf(fields, count);
  }

  /**
   * Where the continuation lines (those starting with whitespace) from {@code next} end: the start
   * of the next header field's line.
   */
  private static int foldedEnd(byte[] buf, int next, int end, int off) {
    while (next < end && (buf[next] == ' ' || buf[next] == '\t')) {
      int contEol = lineEnd(buf, next, end);
      if (contEol < 0) {
        throw new SipParseException("header section not terminated by an empty line", next - off);
      }
      next = contEol + 1;
    }
    return next;
  }

  /**
   * A header value: {@code buf[from, to)} and the continuation lines in {@code buf[next,
   * foldedEnd)} (checked by {@link #foldedEnd}), each fold replaced by one space.
   */
  private static String unfolded(byte[] buf, int from, int to, int next, int foldedEnd) {
    String value = trimmed(buf, from, to);
    while (next < foldedEnd) {
      int contEol = lineEnd(buf, next, foldedEnd);
      String more = trimmed(buf, next, contentEnd(buf, next, contEol));
      if (!more.isEmpty()) {
        value = value.isEmpty() ? more : value + " " + more;
      }
      next = contEol + 1;
    }
    return value;
  }

  /** Stands in for a Request-URI that did not parse; never sent anywhere. */
  private static final Uri UNPARSABLE_URI = Uri.parse("sip:invalid.invalid");

  private static String placeholderMethod(String line) {
    int sp = line.indexOf(' ');
    String first = sp > 0 ? line.substring(0, sp) : line;
    return Chars.isToken(first) ? first : "UNKNOWN";
  }

  private static MessageHead requestLine(String line, HeaderField[] fields, int maxMessageBytes) {
    // Request-Line = Method SP Request-URI SP SIP-Version CRLF, with exactly one SP between
    // elements
    // (RFC 4475 3.1.2.9 and 3.1.2.10 allow rejecting extra or trailing SP; evertone does).
    int sp1 = line.indexOf(' ');
    int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0
        || sp2 < 0
        || line.indexOf(' ', sp2 + 1) >= 0
        || sp2 == sp1 + 1
        || sp2 == line.length() - 1) {
      throw new SipParseException(
          "malformed Request-Line (expected 'METHOD Request-URI SIP/2.0' with single spaces)",
          Math.max(sp1, 0));
    }
    String method = line.substring(0, sp1);
    for (int i = 0; i < method.length(); i++) {
      if (!Chars.isToken(method.charAt(i))) {
        throw new SipParseException("invalid character in method", i);
      }
    }
    String version = line.substring(sp2 + 1);
    checkVersionSyntax(version, sp2 + 1);
    Uri uri;
    try {
      uri = Uri.parse(line.substring(sp1 + 1, sp2), sp1 + 1);
    } catch (SipParseException e) {
      throw e.shifted(0, "bad Request-URI");
    }
    return new MessageHead(method, uri, 0, null, version, fields, maxMessageBytes);
  }

  private static MessageHead statusLine(String line, HeaderField[] fields, int maxMessageBytes) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
    int sp1 = line.indexOf(' ');
    if (sp1 < 0) {
      throw new SipParseException("malformed Status-Line", line.length());
    }
    String version = line.substring(0, sp1);
    checkVersionSyntax(version, 0);
    int codeEnd = sp1 + 1;
    while (codeEnd < line.length() && Chars.isDigit(line.charAt(codeEnd))) {
      codeEnd++;
    }
    if (codeEnd - sp1 - 1 != 3 || (codeEnd < line.length() && line.charAt(codeEnd) != ' ')) {
      throw new SipParseException("status code must be three digits", sp1 + 1);
    }
    int status = Integer.parseInt(line.substring(sp1 + 1, codeEnd));
    if (status < 100) {
      throw new SipParseException("status code must be 100-699", sp1 + 1);
    }
    if (status > 699) {
      throw new SipParseException("status code must be 100-699", sp1 + 1);
    }
    String reason = codeEnd < line.length() ? line.substring(codeEnd + 1) : "";
    return new MessageHead(null, null, status, reason, version, fields, maxMessageBytes);
  }

  /**
   * SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; which versions are supported is checked later
   * (505).
   */
  private static void checkVersionSyntax(String version, int at) {
    int dot = version.indexOf('.');
    boolean ok =
        version.length() >= 7
            && version.regionMatches(true, 0, "SIP/", 0, 4)
            && dot > 4
            && dot < version.length() - 1;
    for (int i = 4; ok && i < version.length(); i++) {
      ok = i == dot || Chars.isDigit(version.charAt(i));
    }
    if (!ok) {
      throw new SipParseException("malformed SIP version '" + version + "'", at);
    }
  }

  /**
   * Index of the LF ending the line that starts at {@code from}, or -1; a CR not before LF fails.
   */
  private static int lineEnd(byte[] buf, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = buf[i];
      if (b == '\n') {
        return i;
      }
      if (b == '\r' && (i + 1 >= to || buf[i + 1] != '\n')) {
        throw new SipParseException("bare CR in a line", i - from);
      }
    }
    return -1;
  }

  /** End of the line's content: the LF at {@code eol}, or the CR before it. */
  private static int contentEnd(byte[] buf, int from, int eol) {
    return eol > from && buf[eol - 1] == '\r' ? eol - 1 : eol;
  }

  private static String trimmed(byte[] buf, int from, int to) {
    while (from < to && (buf[from] == ' ' || buf[from] == '\t')) {
      from++;
    }
    while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) {
      to--;
    }
    return from == to ? "" : new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
