package dev.evertone.park;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configured park lot: the extension a device of {@code domain} dials (or is transferred to) to
 * park a call, the slot numbers parked calls wait in and are grabbed from, and how long a call
 * waits before it is given up. Written {@code EXTENSION@DOMAIN;slots=FIRST-LAST[;timeout=DURATION]}
 * in {@code park.lots}, e.g. {@code 700@example.com;slots=701-709;timeout=60s}.
 *
 * @param domain the domain whose devices park and grab, lower case
 * @param extension the number that parks a call
 * @param firstSlot the lowest slot number
 * @param lastSlot the highest slot number
 * @param timeout how long a call stays parked with nobody grabbing it
 */
public record LotSpec(
    String domain, String extension, int firstSlot, int lastSlot, Duration timeout) {
  /** The most slots in one lot. */
  public static final int MAX_SLOTS = 100;

  /** A lot's timeout when none is written. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Pattern FORM =
      Pattern.compile(
          "([0-9]{1,9})@([A-Za-z0-9.-]{1,253});slots=([1-9][0-9]{0,8})-([1-9][0-9]{0,8})"
              + "(?:;timeout=([0-9]{1,5}(?:ms|s|m)))?");

  private static final String EXPECTED =
      " is not EXTENSION@DOMAIN;slots=FIRST-LAST or EXTENSION@DOMAIN;slots=FIRST-LAST;timeout=DURATION"
          + " (numbers of digits, at most "
          + MAX_SLOTS
          + " slots, a timeout of 5s-1h written like 60s or 2m), e.g."
          + " 700@example.com;slots=701-709;timeout=60s";

  public LotSpec {
    domain = domain.toLowerCase(Locale.ROOT);
    if (firstSlot > lastSlot || lastSlot - firstSlot >= MAX_SLOTS) {
      throw new IllegalArgumentException(
          "park.lots: slots "
              + firstSlot
              + "-"
              + lastSlot
              + " of "
              + extension
              + "@"
              + domain
              + ": FIRST must not be above LAST, and a lot has at most "
              + MAX_SLOTS
              + " slots");
    }
    if (inRange(extension, firstSlot, lastSlot)) {
      throw new IllegalArgumentException(
          "park.lots: the extension "
              + extension
              + "@"
              + domain
              + " is one of its own slots "
              + firstSlot
              + "-"
              + lastSlot);
    }
    if (timeout.compareTo(Duration.ofSeconds(5)) < 0
        || timeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "park.lots: the timeout of "
              + extension
              + "@"
              + domain
              + " must be 5s-1h, was "
              + timeout);
    }
  }

  /**
   * Reads {@code EXTENSION@DOMAIN;slots=FIRST-LAST[;timeout=DURATION]}.
   *
   * @throws IllegalArgumentException naming the key, what is wrong and the form expected
   */
  public static LotSpec parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("park.lots: '" + text + "'" + EXPECTED);
    }
    Duration timeout = m.group(5) == null ? DEFAULT_TIMEOUT : duration(text, m.group(5));
    return new LotSpec(
        m.group(2),
        m.group(1),
        Integer.parseInt(m.group(3)),
        Integer.parseInt(m.group(4)),
        timeout);
  }

  private static Duration duration(String text, String value) {
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      long n = Long.parseLong(value.substring(0, value.length() - 1));
      return value.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException("park.lots: '" + text + "'" + EXPECTED, e);
    }
  }

  /** How the API and the CLI name the lot: {@code EXTENSION@DOMAIN}. */
  public String id() {
    return extension + "@" + domain;
  }

  /** Slots in the lot. */
  public int size() {
    return lastSlot - firstSlot + 1;
  }

  /** Whether {@code number} is one of the lot's slots, as dialled. */
  public boolean isSlot(String number) {
    return inRange(number, firstSlot, lastSlot);
  }

  private static boolean inRange(String number, int firstSlot, int lastSlot) {
    if (number.isEmpty() || number.length() > 9 || number.charAt(0) == '0') {
      return false;
    }
    for (int i = 0; i < number.length(); i++) {
      if (number.charAt(i) < '0' || number.charAt(i) > '9') {
        return false;
      }
    }
    int n = Integer.parseInt(number);
    return n >= firstSlot && n <= lastSlot;
  }
}
