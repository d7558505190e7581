package dev.evertone.sdp;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The direction of a media stream (RFC 8866 6.7), from the point of view of the side that wrote the
 * description. At session level it is the default for every m= section; an m= section's own
 * attribute overrides it; with neither, a stream is {@link #SENDRECV}.
 */
public enum Direction {
  SENDRECV(true, true),
  SENDONLY(true, false),
  RECVONLY(false, true),
  INACTIVE(false, false);

  private final boolean sends;
  private final boolean receives;

  Direction(boolean sends, boolean receives) {
    this.sends = sends;
    this.receives = receives;
  }

  /** Whether the writer of the description sends media. */
  public boolean sends() {
    return sends;
  }

  /** Whether the writer of the description receives media. */
  public boolean receives() {
    return receives;
  }

  /**
   * The attribute name: {@code sendrecv}, {@code sendonly}, {@code recvonly} or {@code inactive}.
   */
  public String attributeName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The direction as the attribute it is written as. */
  public Attribute attribute() {
    return Attribute.flag(attributeName());
  }

  /** The direction that sends and receives as given. */
  public static Direction of(boolean sends, boolean receives) {
    if (sends) {
      return receives ? SENDRECV : SENDONLY;
    }
    return receives ? RECVONLY : INACTIVE;
  }

  /**
   * The direction an answerer writes for a stream offered with {@code offered} when it is itself
   * willing to do {@code local} (RFC 3264 6.1): it sends only if the offerer receives, and receives
   * only if the offerer sends. A sendonly offer gets recvonly, a recvonly offer sendonly, an
   * inactive offer inactive.
   */
  public static Direction answer(Direction offered, Direction local) {
    return of(offered.receives && local.sends, offered.sends && local.receives);
  }

  /** The direction named by an attribute name, or null if it is not one of the four. */
  public static @Nullable Direction fromAttributeName(String name) {
    for (Direction d : values()) {
      if (d.attributeName().equalsIgnoreCase(name)) {
        return d;
      }
    }
    return null;
  }
}
