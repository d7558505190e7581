package dev.evertone.sdp;

import java.util.Locale;

/**
 * The {@code a=setup} attribute (RFC 4145 4, used by DTLS-SRTP in RFC 5763 5): which side opens the
 * connection. An offer says {@link #ACTPASS}; the answer picks {@link #ACTIVE} or {@link #PASSIVE}.
 */
public enum Setup {
  ACTPASS,
  ACTIVE,
  PASSIVE,
  HOLDCONN;

  /** The attribute value: {@code actpass}, {@code active}, {@code passive} or {@code holdconn}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The attribute as written. */
  public Attribute attribute() {
    return Attribute.of("setup", value());
  }

  /**
   * The role an answerer takes against this offered role: active against actpass (RFC 5763 5
   * prefers it, so the answerer's first packet can open DTLS at once) and against passive, passive
   * against active, holdconn against holdconn.
   */
  public Setup answer() {
    return switch (this) {
      case ACTPASS, PASSIVE -> ACTIVE;
      case ACTIVE -> PASSIVE;
      case HOLDCONN -> HOLDCONN;
    };
  }

  /** Parses an attribute value, ignoring case. */
  public static Setup parse(String value) {
    for (Setup s : values()) {
      if (s.value().equalsIgnoreCase(value.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "setup must be actpass, active, passive or holdconn, was \"" + value + "\"");
  }
}
