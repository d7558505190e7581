package dev.evertone.sip.syntax;

/**
 * Character classes of the SIP grammar (RFC 3261 section 25.1). Message text is handled as octets
 * (ISO-8859-1 chars), so every class is a set of octets; anything at or above 0x80 is UTF-8 content
 * and belongs to none of these classes.
 */
public final class Chars {
  private Chars() {}

  private static final int ALPHANUM = 1;
  private static final int TOKEN = 1 << 1;
  private static final int WORD = 1 << 2;
  private static final int UNRESERVED = 1 << 3;
  private static final int USER = 1 << 4;
  private static final int PASSWORD = 1 << 5;
  private static final int PARAM = 1 << 6;
  private static final int HEADER_NV = 1 << 7;
  private static final int URIC = 1 << 8;
  private static final int HOST = 1 << 9;
  private static final int SCHEME = 1 << 10;

  private static final int[] CLASSES = new int[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      add(
          c,
          ALPHANUM
              | TOKEN
              | WORD
              | UNRESERVED
              | USER
              | PASSWORD
              | PARAM
              | HEADER_NV
              | URIC
              | HOST
              | SCHEME);
    }
    for (char c = 'a'; c <= 'z'; c++) {
      int all =
          ALPHANUM
              | TOKEN
              | WORD
              | UNRESERVED
              | USER
              | PASSWORD
              | PARAM
              | HEADER_NV
              | URIC
              | HOST
              | SCHEME;
      add(c, all);
      add(Character.toUpperCase(c), all);
    }
    // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    addAll("-.!%*_+`'~", TOKEN | WORD);
    // word adds ( ) < > : \ DQUOTE / [ ] ? { }
    addAll("()<>:\\\"/[]?{}", WORD);
    // unreserved = alphanum / mark; mark = - _ . ! ~ * ' ( )
    addAll("-_.!~*'()", UNRESERVED | USER | PASSWORD | PARAM | HEADER_NV | URIC);
    // user-unreserved = & = + $ , ; ? /
    addAll("&=+$,;?/", USER);
    addAll("&=+$,", PASSWORD);
    // param-unreserved = [ ] / : & + $
    addAll("[]/:&+$", PARAM);
    // hnv-unreserved = [ ] / ? : + $
    addAll("[]/?:+$", HEADER_NV);
    // reserved = ; / ? : @ & = + $ ,
    addAll(";/?:@&=+$,", URIC);
    addAll("-._", HOST);
    addAll("+-.", SCHEME);
  }

  private static void add(char c, int classes) {
    CLASSES[c] |= classes;
  }

  private static void addAll(String chars, int classes) {
    for (int i = 0; i < chars.length(); i++) {
      add(chars.charAt(i), classes);
    }
  }

  private static boolean is(char c, int cls) {
    return c < 128 && (CLASSES[c] & cls) != 0;
  }

  public static boolean isAlphanum(char c) {
    return is(c, ALPHANUM);
  }

  public static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  public static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  public static boolean isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  public static boolean isToken(char c) {
    return is(c, TOKEN);
  }

  /** Characters of a Call-ID word (RFC 3261 25.1 {@code word}). */
  public static boolean isWord(char c) {
    return is(c, WORD);
  }

  public static boolean isUnreserved(char c) {
    return is(c, UNRESERVED);
  }

  /** Characters allowed unescaped in the user part of a SIP URI. */
  public static boolean isUserChar(char c) {
    return is(c, USER);
  }

  public static boolean isPasswordChar(char c) {
    return is(c, PASSWORD);
  }

  /** Characters allowed unescaped in a SIP URI parameter name or value. */
  public static boolean isParamChar(char c) {
    return is(c, PARAM);
  }

  /** Characters allowed unescaped in a SIP URI header name or value. */
  public static boolean isHeaderChar(char c) {
    return is(c, HEADER_NV);
  }

  /** Characters of an absolute URI's scheme-specific part (RFC 2396 {@code uric}). */
  public static boolean isUric(char c) {
    return is(c, URIC);
  }

  /**
   * Characters of a host name (labels and dots); underscore is tolerated because devices use it.
   */
  public static boolean isHostChar(char c) {
    return is(c, HOST);
  }

  public static boolean isSchemeChar(char c) {
    return is(c, SCHEME);
  }

  public static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t';
  }

  /** Whether {@code s} is a non-empty token. */
  public static boolean isToken(CharSequence s) {
    if (s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isToken(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  public static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
