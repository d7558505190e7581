package dev.evertone.sdp;

import java.util.List;

/**
 * The answering side's description of itself for {@link OfferAnswer#answer}.
 *
 * @param origin the {@code o=} line of the first answer; later answers in the same dialog keep its
 *     username, id and address and only move its version (RFC 3264 8)
 * @param connection where this side receives media (the session-level {@code c=} of the answer)
 * @param media one capability per stream this side can take, matched to the offered m= sections in
 *     order
 * @param sessionAttributes session-level attributes written in every answer (such as {@code
 *     ice-lite})
 * @param bundle whether this side accepts BUNDLE (RFC 9143): the answer then carries the offer's
 *     BUNDLE group reduced to the accepted sections
 */
public record LocalCapabilities(
    Origin origin,
    Connection connection,
    List<MediaCapability> media,
    List<Attribute> sessionAttributes,
    boolean bundle) {

  public LocalCapabilities {
    media = List.copyOf(media);
    sessionAttributes = List.copyOf(sessionAttributes);
  }

  /** Capabilities without session attributes or BUNDLE. */
  public static LocalCapabilities of(
      Origin origin, Connection connection, List<MediaCapability> media) {
    return new LocalCapabilities(origin, connection, media, List.of(), false);
  }
}
