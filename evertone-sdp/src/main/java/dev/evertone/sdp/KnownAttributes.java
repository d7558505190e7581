package dev.evertone.sdp;

import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The attributes whose values the parser checks, so that a malformed one is reported with its line
 * instead of failing later in a typed accessor. Every other attribute is kept unchecked.
 */
final class KnownAttributes {
  private KnownAttributes() {}

  private static final Map<String, Consumer<String>> CHECKS =
      Map.ofEntries(
          Map.entry("rtpmap", RtpMap::parse),
          Map.entry("fmtp", Fmtp::parse),
          Map.entry("ptime", v -> milliseconds("ptime", v)),
          Map.entry("maxptime", v -> milliseconds("maxptime", v)),
          Map.entry("rtcp", Rtcp::parse),
          Map.entry("candidate", Candidate::parse),
          Map.entry("fingerprint", Fingerprint::parse),
          Map.entry("setup", Setup::parse),
          Map.entry("ssrc", Ssrc::parse),
          Map.entry("group", Group::parse),
          Map.entry("mid", v -> nonEmpty("mid", v)),
          Map.entry("ice-ufrag", v -> nonEmpty("ice-ufrag", v)),
          Map.entry("ice-pwd", v -> nonEmpty("ice-pwd", v)));

  /** Throws IllegalArgumentException with the reason when a known attribute's value is bad. */
  static void check(Attribute a) {
    Consumer<String> check = CHECKS.get(a.name().toLowerCase(Locale.ROOT));
    if (check == null) {
      return;
    }
    if (a.value() == null) {
      throw new IllegalArgumentException("a=" + a.name() + " needs a value after a colon");
    }
    check.accept(a.value());
  }

  private static void nonEmpty(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
  }

  /**
   * A packet time in milliseconds: digits, optionally with a fraction (RFC 8866 6.4 writes it as a
   * decimal; some phones send {@code 20.0}), which is dropped.
   */
  static int milliseconds(String name, String value) {
    String v = value.strip();
    int dot = v.indexOf('.');
    String whole = dot < 0 ? v : v.substring(0, dot);
    if (dot >= 0) {
      Fields.number(name + " fraction", v.substring(dot + 1), 0, Long.MAX_VALUE);
    }
    return (int) Fields.number(name + " (milliseconds)", whole, 0, 100_000);
  }
}
