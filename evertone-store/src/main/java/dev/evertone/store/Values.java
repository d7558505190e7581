package dev.evertone.store;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The rules every stored value follows, checked before anything is written. */
public final class Values {
  private Values() {}

  public static final int MAX_DOMAIN = 253;
  public static final int MAX_USERNAME = 64;
  public static final int MAX_DISPLAY_NAME = 128;
  public static final int MAX_SECRET = 128;
  public static final int MAX_MODEL = 64;
  public static final int MAX_DESCRIPTION = 255;
  public static final int MAX_LINES = 64;

  /**
   * A domain: a host name (letters, digits, hyphens, dots; labels of 1-63) or an IPv4 address;
   * lower-cased.
   */
  public static String domain(String value) {
    String d = value.trim().toLowerCase(Locale.ROOT);
    if (d.isEmpty()) {
      throw new ValidationException("domain", "must not be empty");
    }
    if (d.length() > MAX_DOMAIN) {
      throw new ValidationException("domain", "longer than " + MAX_DOMAIN + " characters");
    }
    int labelStart = 0;
    for (int i = 0; i <= d.length(); i++) {
      char c = i < d.length() ? d.charAt(i) : '.';
      if (c == '.') {
        int length = i - labelStart;
        if (length == 0 || length > 63) {
          throw new ValidationException(
              "domain", "'" + value + "' is not a host name (empty or over-long label)");
        }
        if (d.charAt(labelStart) == '-' || d.charAt(i - 1) == '-') {
          throw new ValidationException(
              "domain", "'" + value + "' has a label starting or ending with '-'");
        }
        labelStart = i + 1;
      } else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
        throw new ValidationException(
            "domain",
            "'" + value + "' contains '" + printable(c) + "'; use letters, digits, '-' and '.'");
      }
    }
    return d;
  }

  /**
   * A SIP user name (a line's auth user): 1-64 of letters, digits and {@code - . _ ~ ! * ' ( ) + =
   * $ , &}, the characters a SIP URI user part holds without escaping (RFC 3261 25.1) minus those
   * with a meaning in URIs.
   */
  public static String authUser(String value) {
    return userPart("auth_user", value);
  }

  /**
   * A user's extension, e.g. 1001: the same characters as a SIP user name, since it is dialled and
   * addressed.
   */
  public static String extension(String value) {
    return userPart("extension", value);
  }

  private static String userPart(String field, String value) {
    if (value.isEmpty()) {
      throw new ValidationException(field, "must not be empty");
    }
    if (value.length() > MAX_USERNAME) {
      throw new ValidationException(field, "longer than " + MAX_USERNAME + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-._~!*'()+=$,&".indexOf(c) >= 0;
      if (!ok) {
        throw new ValidationException(
            field,
            "contains '" + printable(c) + "'; use letters, digits and - . _ ~ ! * ' ( ) + = $ , &");
      }
    }
    return value;
  }

  /**
   * A secret: 1-128 characters of any kind but NUL. Quotes, backslashes, semicolons, line breaks
   * and any Unicode are fine: secrets only ever travel as bound parameters and are stored
   * encrypted.
   */
  public static String secret(String value) {
    if (value.isEmpty()) {
      throw new ValidationException("secret", "must not be empty");
    }
    if (value.codePointCount(0, value.length()) > MAX_SECRET) {
      throw new ValidationException("secret", "longer than " + MAX_SECRET + " characters");
    }
    if (value.indexOf('\0') >= 0) {
      throw new ValidationException("secret", "contains a NUL character");
    }
    // a lone surrogate has no UTF-8 form: the digest would be computed over something else
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < value.length()
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          throw new ValidationException("secret", "is not valid Unicode (a lone surrogate)");
        }
      }
    }
    return value;
  }

  /** A display name: up to 128 characters, no control characters; blank means none. */
  public static @Nullable String displayName(@Nullable String value) {
    return text("display_name", value, MAX_DISPLAY_NAME);
  }

  /**
   * A device model, e.g. "Yealink T54W": up to 64 characters, no control characters; blank means
   * none.
   */
  public static @Nullable String model(@Nullable String value) {
    return text("model", value, MAX_MODEL);
  }

  /** A device description: up to 255 characters, no control characters; blank means none. */
  public static @Nullable String description(@Nullable String value) {
    return text("description", value, MAX_DESCRIPTION);
  }

  private static @Nullable String text(String field, @Nullable String value, int max) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    if (v.codePointCount(0, v.length()) > max) {
      throw new ValidationException(field, "longer than " + max + " characters");
    }
    for (int i = 0; i < v.length(); i++) {
      if (Character.isISOControl(v.charAt(i))) {
        throw new ValidationException(field, "contains a control character");
      }
    }
    return v;
  }

  /**
   * A MAC address: 12 hex digits, bare or grouped by {@code :} or {@code -} in pairs or by {@code
   * .} in fours; returned as 12 lower-case digits. Blank means none.
   */
  public static @Nullable String mac(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    String digits = macDigits(v);
    if (digits == null) {
      throw new ValidationException(
          "mac",
          "'" + value + "' is not a MAC address; write 12 hex digits, e.g. 00:15:65:aa:bb:cc");
    }
    if (digits.equals("000000000000") || digits.equals("ffffffffffff")) {
      throw new ValidationException("mac", "'" + value + "' is not the address of a device");
    }
    return digits;
  }

  /**
   * The 12 lower-case digits of a MAC in one of the accepted forms, or null (a bulk import checks
   * many: no regex).
   */
  private static @Nullable String macDigits(String v) {
    int groups;
    char separator;
    if (v.length() == 12) {
      groups = 1;
      separator = 0;
    } else if (v.length() == 17 && (v.charAt(2) == ':' || v.charAt(2) == '-')) {
      groups = 6;
      separator = v.charAt(2);
    } else if (v.length() == 14 && v.charAt(4) == '.') {
      groups = 3;
      separator = '.';
    } else {
      return null;
    }
    int width = 12 / groups;
    char[] out = new char[12];
    int n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean separatorPosition = groups > 1 && i % (width + 1) == width;
      if (separatorPosition) {
        if (c != separator) {
          return null;
        }
        continue;
      }
      if (c >= 'A' && c <= 'F') {
        c = (char) (c + ('a' - 'A'));
      }
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return null;
      }
      out[n++] = c;
    }
    return n == 12 ? new String(out) : null;
  }

  /** A MAC address as people write it: {@code 00:15:65:aa:bb:cc}. */
  public static String formatMac(String digits) {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 0; i < digits.length(); i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(digits, i, i + 2);
    }
    return sb.toString();
  }

  /** A line number on a device: 1 to 64. */
  public static int lineNo(int value) {
    if (value < 1 || value > MAX_LINES) {
      throw new ValidationException(
          "line", "must be between 1 and " + MAX_LINES + ", got " + value);
    }
    return value;
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }
}
