package dev.evertone.conference;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A configured room: the number a device of {@code domain} dials, and the PIN it must key in first,
 * if any. Written {@code NUMBER@DOMAIN} or {@code NUMBER@DOMAIN;pin=DIGITS} in {@code
 * conference.rooms}.
 *
 * @param domain the domain whose devices reach the room, lower case
 * @param number the user part they dial
 * @param pin the digits asked for before joining, or null
 */
public record RoomSpec(String domain, String number, @Nullable String pin) {
  private static final Pattern FORM =
      Pattern.compile("([0-9A-Za-z*+._-]{1,32})@([A-Za-z0-9.-]{1,253})(?:;pin=([0-9]{1,16}))?");

  public RoomSpec {
    domain = domain.toLowerCase(Locale.ROOT);
  }

  /**
   * Reads {@code NUMBER@DOMAIN[;pin=DIGITS]}.
   *
   * @throws IllegalArgumentException naming what is wrong and the form expected
   */
  public static RoomSpec parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "conference.rooms: '"
              + text
              + "' is not NUMBER@DOMAIN or NUMBER@DOMAIN;pin=DIGITS (1-16 digits), e.g."
              + " 800@example.com;pin=4321");
    }
    return new RoomSpec(m.group(2), m.group(1), m.group(3));
  }

  /** How the API and the CLI name the room: {@code NUMBER@DOMAIN}. */
  public String id() {
    return number + "@" + domain;
  }
}
