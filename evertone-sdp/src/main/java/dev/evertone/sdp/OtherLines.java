package dev.evertone.sdp;

import java.util.List;

/** Checks lines of a type this codec does not model, kept as {@code x=value}. */
final class OtherLines {
  private OtherLines() {}

  static List<String> check(List<String> lines) {
    List<String> out = lines.stream().map(l -> Fields.text("unknown line", l)).toList();
    for (String l : out) {
      if (l.length() < 2 || l.charAt(1) != '=' || !isAsciiLetter(l.charAt(0))) {
        throw new IllegalArgumentException(
            "an unknown line must be '<letter>=<value>', was \"" + l + "\"");
      }
      if ("vosiuepcbtrzkam".indexOf(l.charAt(0)) >= 0) {
        throw new IllegalArgumentException(
            "a " + l.charAt(0) + "= line is a known field, not an unknown line");
      }
    }
    return out;
  }

  static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
