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

  /** A domain: a host name (letters, digits, hyphens, dots; labels of 1-63) or an IPv4 address; lower-cased. */
  public static String domain(String value) {
    String d = value.trim().toLowerCase(Locale.ROOT);
    if (d.isEmpty()) {
      throw new ValidationException("domain", "must not be empty");
    }
    if (d.length() > MAX_DOMAIN) {
      throw new ValidationException("domain", "longer than " + MAX_DOMAIN + " characters");
    }
    for (String label : d.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63) {
        throw new ValidationException("domain", "'" + value + "' is not a host name (empty or over-long label)");
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        throw new ValidationException("domain", "'" + value + "' has a label starting or ending with '-'");
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
          throw new ValidationException("domain", "'" + value + "' contains '" + printable(c) + "'; use letters, digits, '-' and '.'");
        }
      }
    }
    return d;
  }

  /**
   * A SIP user name: 1-64 of letters, digits and {@code - . _ ~ ! * ' ( ) + = $ , &}, the characters a SIP
   * URI user part holds without escaping (RFC 3261 25.1) minus those with a meaning in URIs.
   */
  public static String username(String value) {
    if (value.isEmpty()) {
      throw new ValidationException("user", "must not be empty");
    }
    if (value.length() > MAX_USERNAME) {
      throw new ValidationException("user", "longer than " + MAX_USERNAME + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~!*'()+=$,&".indexOf(c) >= 0;
      if (!ok) {
        throw new ValidationException("user", "contains '" + printable(c) + "'; use letters, digits and - . _ ~ ! * ' ( ) + = $ , &");
      }
    }
    return value;
  }

  /** A password: 1-128 characters of any kind but NUL; quotes, semicolons and the like are fine. */
  public static String secret(String value) {
    if (value.isEmpty()) {
      throw new ValidationException("password", "must not be empty");
    }
    if (value.codePointCount(0, value.length()) > MAX_SECRET) {
      throw new ValidationException("password", "longer than " + MAX_SECRET + " characters");
    }
    if (value.indexOf('\0') >= 0) {
      throw new ValidationException("password", "contains a NUL character");
    }
    return value;
  }

  /** A display name: up to 128 characters, no control characters; blank means none. */
  public static @Nullable String displayName(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_DISPLAY_NAME) {
      throw new ValidationException("display name", "longer than " + MAX_DISPLAY_NAME + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new ValidationException("display name", "contains a control character");
      }
    }
    return value;
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }
}
