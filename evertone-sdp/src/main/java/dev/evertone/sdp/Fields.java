package dev.evertone.sdp;

import java.util.ArrayList;
import java.util.List;

/** Checks and splitting shared by the model and the parser. */
final class Fields {
  private Fields() {}

  /** Splits on runs of spaces and tabs; leading and trailing blanks give no empty tokens. */
  static List<String> tokens(String value) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = value.length();
    while (i < n) {
      while (i < n && isBlank(value.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isBlank(value.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(value.substring(start, i));
      }
    }
    return List.copyOf(out);
  }

  static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * A free-text value as it will be written: no line breaks or NUL (they would end the line early
   * or inject another), trailing blanks removed (a parser drops them).
   */
  static String text(String what, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(what + " must not contain a line break or NUL");
      }
    }
    return stripTrailingBlanks(value);
  }

  /** A single token: not empty, no blanks, no line breaks. */
  static String token(String what, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(
            what + " must be one word without spaces, was \"" + value + "\"");
      }
    }
    return value;
  }

  static String stripTrailingBlanks(String value) {
    int end = value.length();
    while (end > 0 && isBlank(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(0, end);
  }

  /** A decimal number in {@code [min, max]}, or an exception naming {@code what}. */
  static long number(String what, String value, long min, long max) {
    if (value.isEmpty() || value.length() > 19) {
      throw outOfRange(what, value, min, max);
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw outOfRange(what, value, min, max);
      }
      n = n * 10 + (c - '0');
      if (n < 0) {
        throw outOfRange(what, value, min, max);
      }
    }
    if (n < min || n > max) {
      throw outOfRange(what, value, min, max);
    }
    return n;
  }

  static int port(String what, String value) {
    return (int) number(what, value, 0, 65_535);
  }

  private static IllegalArgumentException outOfRange(
      String what, String value, long min, long max) {
    return new IllegalArgumentException(
        what + " must be a number from " + min + " to " + max + ", was \"" + value + "\"");
  }

  /** The text after the first space of {@code value}, or "" when there is none. */
  static String afterFirstBlank(String value) {
    int i = 0;
    while (i < value.length() && !isBlank(value.charAt(i))) {
      i++;
    }
    while (i < value.length() && isBlank(value.charAt(i))) {
      i++;
    }
    return value.substring(i);
  }

  /** The text up to the first space of {@code value}. */
  static String firstWord(String value) {
    int i = 0;
    while (i < value.length() && !isBlank(value.charAt(i))) {
      i++;
    }
    return value.substring(0, i);
  }
}
