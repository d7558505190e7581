package dev.evertone.sip.syntax;

/**
 * Validation of the {@code host} production (RFC 3261 25.1): a host name, an IPv4 address, or an
 * IPv6 reference in brackets. IPv6 is checked against RFC 4291 text form rather than RFC 3261's
 * ABNF, which accepts three colons in a row (RFC 5118 section 4.9 asks parsers to reject that).
 */
public final class Hosts {
  private Hosts() {}

  /**
   * Checks {@code host} (brackets included for IPv6) and fails with an offset relative to {@code
   * base}.
   */
  public static void check(String host, int base) {
    if (host.isEmpty()) {
      throw new SipParseException("empty host", base);
    }
    if (host.charAt(0) == '[') {
      if (host.length() < 3 || host.charAt(host.length() - 1) != ']') {
        throw new SipParseException("malformed IPv6 reference", base);
      }
      checkIpv6(host.substring(1, host.length() - 1), base + 1);
      return;
    }
    if (looksNumeric(host)) {
      if (!isIpv4(host)) {
        throw new SipParseException("malformed IPv4 address '" + host + "'", base);
      }
      return;
    }
    checkHostname(host, base);
  }

  private static boolean looksNumeric(String host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!Chars.isDigit(c) && c != '.') {
        return false;
      }
    }
    return true;
  }

  private static void checkHostname(String host, int base) {
    int labelStart = 0;
    for (int i = 0; i <= host.length(); i++) {
      if (i == host.length() || host.charAt(i) == '.') {
        boolean trailingDot = i == host.length() - 1 && i > 0;
        if (i == labelStart && !(i == host.length() && labelStart > 0)) {
          throw new SipParseException("empty label in host name '" + host + "'", base + i);
        }
        if (i > labelStart && (host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-')) {
          throw new SipParseException("host name label starts or ends with '-'", base + labelStart);
        }
        labelStart = i + 1;
        if (trailingDot) {
          return;
        }
        continue;
      }
      char c = host.charAt(i);
      if (!Chars.isHostChar(c)) {
        throw new SipParseException(
            "invalid character '" + Scanner.printable(c) + "' in host", base + i);
      }
    }
  }

  public static boolean isIpv4(String s) {
    int parts = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c == '.') {
        if (digits == 0 || value > 255) {
          return false;
        }
        parts++;
        value = -1;
        digits = 0;
      } else if (Chars.isDigit(c) && digits < 3) {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        digits++;
      } else {
        return false;
      }
    }
    return parts == 4;
  }

  /** Checks an IPv6 address in RFC 4291 text form (no brackets). */
  public static void checkIpv6(String s, int base) {
    if (!isIpv6(s)) {
      throw new SipParseException("malformed IPv6 address '" + s + "'", base);
    }
  }

  public static boolean isIpv6(String s) {
    if (s.isEmpty() || s.length() > 45) {
      return false;
    }
    int groups = 0;
    boolean compressed = false;
    int i = 0;
    if (s.startsWith("::")) {
      compressed = true;
      i = 2;
      if (i == s.length()) {
        return true;
      }
    } else if (s.charAt(0) == ':') {
      return false;
    }
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && Chars.isHexDigit(s.charAt(i)) && i - start < 5) {
        i++;
      }
      int len = i - start;
      if (i < s.length() && s.charAt(i) == '.') {
        // trailing dotted IPv4 takes the last two groups
        if (!isIpv4(s.substring(start))) {
          return false;
        }
        groups += 2;
        i = s.length();
        break;
      }
      if (len == 0 || len > 4) {
        return false;
      }
      groups++;
      if (i == s.length()) {
        break;
      }
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < s.length() && s.charAt(i) == ':') {
        if (compressed) {
          return false;
        }
        compressed = true;
        i++;
        if (i == s.length()) {
          break;
        }
        if (s.charAt(i) == ':') {
          return false;
        }
      } else if (i == s.length()) {
        return false;
      }
    }
    return compressed ? groups < 8 : groups == 8;
  }
}
