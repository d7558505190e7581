package dev.evertone.sdp;

import java.util.Set;

/**
 * What changed in one m= section between two descriptions from the same side (a re-INVITE's offer
 * against the previous one).
 *
 * @param index the position of the m= section (RFC 3264 8: sections keep their positions)
 * @param media the media type
 * @param kinds what changed, never empty
 */
public record MediaChange(int index, String media, Set<MediaChange.Kind> kinds) {

  /** One kind of change. */
  public enum Kind {
    /** A section appended, or one with port 0 given a port (RFC 3264 8.1, 8.2). */
    ADDED,
    /** A section given port 0 (RFC 3264 8.2). */
    REMOVED,
    /** Media now goes to another address (RFC 3264 8.3.1). */
    ADDRESS,
    /** Media now goes to another port (RFC 3264 8.3.1). */
    PORT,
    /** Another codec list or other format parameters (RFC 3264 8.3.2). */
    CODECS,
    /** Another direction attribute outcome (RFC 3264 8.4). */
    DIRECTION,
    /** The stream was put on hold: sendonly, inactive or c=0.0.0.0 (RFC 3264 8.4). */
    HOLD,
    /** The stream was taken off hold. */
    RESUME
  }

  public MediaChange {
    kinds = Set.copyOf(kinds);
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("a media change has at least one kind");
    }
  }

  /** Whether this change includes {@code kind}. */
  public boolean has(Kind kind) {
    return kinds.contains(kind);
  }
}
