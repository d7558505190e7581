package dev.evertone.sip.syntax;

/**
 * A cursor over one unfolded header value (or start-line element) that reads the lexical elements
 * of RFC 3261 section 25.1: tokens, quoted strings and separators with their optional surrounding
 * whitespace ({@code SWS}). Folding has already been replaced by a single space, so whitespace here
 * is only SP and HTAB.
 *
 * <p>Every failure is a {@link SipParseException} whose offset is the cursor position.
 */
public final class Scanner {
  private final String text;
  private int pos;

  public Scanner(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  public int position() {
    return pos;
  }

  public void position(int newPos) {
    this.pos = newPos;
  }

  public boolean atEnd() {
    return pos >= text.length();
  }

  /** The current char, or 0 at the end. */
  public char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  public char next() {
    return text.charAt(pos++);
  }

  public void skipWhitespace() {
    while (pos < text.length() && Chars.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  /** Whether only whitespace remains. */
  public boolean atEndIgnoringWhitespace() {
    int p = pos;
    while (p < text.length() && Chars.isWhitespace(text.charAt(p))) {
      p++;
    }
    return p >= text.length();
  }

  /**
   * Consumes {@code SWS c SWS} if {@code c} is next (after optional whitespace); otherwise leaves
   * the cursor where it was. This is how SEMI, COMMA, EQUAL, SLASH and COLON are read.
   */
  public boolean skipSeparator(char c) {
    int start = pos;
    skipWhitespace();
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      skipWhitespace();
      return true;
    }
    pos = start;
    return false;
  }

  public void expectSeparator(char c, String what) {
    if (!skipSeparator(c)) {
      throw error("expected " + what);
    }
  }

  /** Reads {@code 1*token}; fails naming {@code what} if there is none. */
  public String token(String what) {
    int start = pos;
    while (pos < text.length() && Chars.isToken(text.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw error("expected " + what);
    }
    return text.substring(start, pos);
  }

  /** Reads {@code 1*DIGIT} as a long, failing if it is absent or above {@code max}. */
  public long digits(String what, long max) {
    int start = pos;
    long value = 0;
    boolean overflow = false;
    while (pos < text.length() && Chars.isDigit(text.charAt(pos))) {
      if (!overflow) {
        value = value * 10 + (text.charAt(pos) - '0');
        overflow = value > max;
      }
      pos++;
    }
    if (pos == start) {
      throw error("expected " + what);
    }
    if (overflow) {
      pos = start;
      throw error(what + " is larger than " + max);
    }
    return value;
  }

  /**
   * Reads a quoted string (RFC 3261 25.1 {@code quoted-string}) starting at the opening DQUOTE and
   * returns its content with quoted-pairs resolved.
   */
  public String quotedString() {
    int start = pos;
    if (peek() != '"') {
      throw error("expected a quoted string");
    }
    pos++;
    StringBuilder out = null;
    int runStart = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        String value =
            out == null
                ? text.substring(runStart, pos)
                : out.append(text, runStart, pos).toString();
        pos++;
        return value;
      }
      if (c == '\\') {
        // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
        if (pos + 1 >= text.length()) {
          break;
        }
        char escaped = text.charAt(pos + 1);
        if (escaped == '\r' || escaped == '\n' || escaped > 0x7f) {
          throw error("invalid escape in quoted string");
        }
        if (out == null) {
          out = new StringBuilder();
        }
        out.append(text, runStart, pos).append(escaped);
        pos += 2;
        runStart = pos;
        continue;
      }
      if (c == '\r' || c == '\n' || (c < 0x20 && c != '\t') || c == 0x7f) {
        throw error("control character in quoted string");
      }
      pos++;
    }
    pos = start;
    throw error("unterminated quoted string");
  }

  /** Skips a quoted string and returns it as written, quotes included. */
  public String rawQuotedString() {
    int start = pos;
    quotedString();
    return text.substring(start, pos);
  }

  /** Reads characters while they are not whitespace or one of {@code stops}; may return "". */
  public String until(String stops) {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Chars.isWhitespace(c) || stops.indexOf(c) >= 0) {
        break;
      }
      pos++;
    }
    return text.substring(start, pos);
  }

  /** Fails unless only whitespace remains. */
  public void expectEnd(String what) {
    skipWhitespace();
    if (!atEnd()) {
      throw error("unexpected '" + printable(peek()) + "' after " + what);
    }
  }

  public SipParseException error(String reason) {
    return new SipParseException(reason, pos);
  }

  static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
  }
}
