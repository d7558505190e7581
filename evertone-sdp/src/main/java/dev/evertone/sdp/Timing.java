package dev.evertone.sdp;

import java.util.List;

/**
 * A {@code t=} line with the {@code r=} lines that follow it (RFC 8866 5.9, 5.10). Calls use {@code
 * t=0 0}: a session with no bounds.
 *
 * @param start NTP start time, 0 for unbounded
 * @param stop NTP stop time, 0 for unbounded
 * @param repeats the {@code r=} values that belong to this time, as written
 */
public record Timing(long start, long stop, List<String> repeats) {

  /** {@code t=0 0}. */
  public static final Timing UNBOUNDED = new Timing(0, 0, List.of());

  public Timing {
    if (start < 0 || stop < 0) {
      throw new IllegalArgumentException("t= times must not be negative");
    }
    repeats = repeats.stream().map(r -> Fields.text("r=", r)).toList();
    if (repeats.contains("")) {
      throw new IllegalArgumentException("r= must not be empty");
    }
  }

  /** The text after {@code t=}. */
  public String line() {
    return start + " " + stop;
  }

  static Timing parse(String text) {
    List<String> t = Fields.tokens(text);
    if (t.size() != 2) {
      throw new IllegalArgumentException("expected '<start> <stop>', e.g. '0 0'");
    }
    return new Timing(
        Fields.number("the start time", t.get(0), 0, Long.MAX_VALUE),
        Fields.number("the stop time", t.get(1), 0, Long.MAX_VALUE),
        List.of());
  }
}
