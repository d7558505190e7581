package dev.evertone.sdp;

import java.util.List;

/**
 * The outcome of {@link OfferAnswer#compare}: how a new description from one side differs from its
 * previous one.
 *
 * @param sameSession whether both have the same origin username, session id and address
 * @param versionChanged whether the origin version moved (RFC 3264 8: it must when anything
 *     changed)
 * @param media the m= sections that changed, in order; empty when none did
 */
public record SessionChanges(boolean sameSession, boolean versionChanged, List<MediaChange> media) {

  public SessionChanges {
    media = List.copyOf(media);
  }

  /** Whether any m= section changed in {@code kind}. */
  public boolean has(MediaChange.Kind kind) {
    return media.stream().anyMatch(c -> c.has(kind));
  }

  /**
   * Whether this is a session refresh: same version and no media change (RFC 3264 8: an offer may
   * repeat the previous description, e.g. in a session timer re-INVITE).
   */
  public boolean isRefresh() {
    return !versionChanged && media.isEmpty();
  }
}
