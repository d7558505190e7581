package dev.evertone.sip.syntax;

/** Percent-escaping of URI components (RFC 3261 25.1 {@code escaped}; RFC 3986 2.1). */
public final class Escapes {
  private Escapes() {}

  /** Resolves %HH escapes; the result is octets as chars. Assumes escapes were validated. */
  public static String unescape(String s) {
    int pct = s.indexOf('%');
    if (pct < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    out.append(s, 0, pct);
    for (int i = pct; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%'
          && i + 2 < s.length()
          && Chars.hexValue(s.charAt(i + 1)) >= 0
          && Chars.hexValue(s.charAt(i + 2)) >= 0) {
        out.append((char) (Chars.hexValue(s.charAt(i + 1)) * 16 + Chars.hexValue(s.charAt(i + 2))));
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Checks that every char of {@code s} is allowed by {@code allowed} or is part of a valid %HH
   * escape; fails with the offset (relative to {@code base}) of the first bad char.
   */
  public static void check(String s, int base, CharClass allowed, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new SipParseException("incomplete escape in " + what, base + i);
        }
        if (Chars.hexValue(s.charAt(i + 1)) < 0 || Chars.hexValue(s.charAt(i + 2)) < 0) {
          throw new SipParseException("invalid escape in " + what, base + i);
        }
        i += 2;
      } else if (!allowed.contains(c)) {
        throw new SipParseException(
            "invalid character '" + Scanner.printable(c) + "' in " + what, base + i);
      }
    }
  }

  /** Escapes every char of {@code s} (octets as chars) that {@code allowed} does not contain. */
  public static String escape(String s, CharClass allowed) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (allowed.contains(c)) {
        if (out != null) {
          out.append(c);
        }
      } else {
        if (out == null) {
          out = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        out.append('%').append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
      }
    }
    return out == null ? s : out.toString();
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** A set of chars allowed unescaped. */
  @FunctionalInterface
  public interface CharClass {
    boolean contains(char c);
  }
}
