package dev.evertone.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Moments as people type them on a command line. */
final class Times {
  private static final Pattern AGO = Pattern.compile("([-+])(\\d+)(s|m|h|d)");
  private static final DateTimeFormatter PLAIN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd[ ]['T']HH:mm[:ss]");

  private Times() {}

  /**
   * {@code 2026-11-23T09:00:00Z}, {@code 2026-11-23T10:00:00+01:00}, {@code 2026-11-23 09:00}
   * (UTC), a day {@code 2026-11-23} (its start, UTC), a time ago: {@code -30m}, {@code -2h}, {@code
   * -1d}, or from now: {@code +2h}.
   */
  static Instant parse(String text, Clock clock) {
    String t = text.strip();
    Matcher ago = AGO.matcher(t.toLowerCase(Locale.ROOT));
    if (ago.matches()) {
      long n = Long.parseLong(ago.group(2));
      Duration d =
          switch (ago.group(3)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return ago.group(1).equals("-") ? clock.instant().minus(d) : clock.instant().plus(d);
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException notOffset) {
      // next form
    }
    try {
      return LocalDateTime.parse(t, PLAIN).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException notDateTime) {
      // next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a time; write 2026-11-23T09:00:00Z, '2026-11-23 09:00' (UTC), 2026-11-23"
              + ", -2h or +2h");
    }
  }
}
