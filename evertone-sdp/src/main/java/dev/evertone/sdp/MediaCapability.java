package dev.evertone.sdp;

import java.util.List;

/**
 * What the answering side can do for one m= section: an offered section of the same media type and
 * protocol is answered with this capability (each capability answers at most one section).
 *
 * @param media {@code audio}, {@code video}...
 * @param proto the protocol it accepts ({@code RTP/AVP}, {@code UDP/TLS/RTP/SAVPF}...), compared
 *     ignoring case: RFC 3264 6 has the answer use the offered one
 * @param port the local port that receives this stream
 * @param codecs the codecs this side can receive and send; their payload type numbers do not
 *     matter, an answer uses the offerer's
 * @param direction what this side is willing to do: usually sendrecv; recvonly for a recorder,
 *     sendonly for an announcement
 * @param rtcpMux whether RTP and RTCP can share the port (RFC 5761); answered only when offered
 * @param attributes further attributes written in every answered section (ptime, ICE credentials,
 *     fingerprint, setup...)
 */
public record MediaCapability(
    String media,
    String proto,
    int port,
    List<Codec> codecs,
    Direction direction,
    boolean rtcpMux,
    List<Attribute> attributes) {

  public MediaCapability {
    Fields.token("media", media);
    Fields.token("proto", proto);
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be from 1 to 65535, was " + port);
    }
    codecs = List.copyOf(codecs);
    attributes = List.copyOf(attributes);
  }

  /** Plain RTP audio ({@code RTP/AVP}), sendrecv, without rtcp-mux or further attributes. */
  public static MediaCapability audio(int port, List<Codec> codecs) {
    return new MediaCapability(
        "audio", "RTP/AVP", port, codecs, Direction.SENDRECV, false, List.of());
  }

  /** The same capability for another protocol. */
  public MediaCapability withProto(String newProto) {
    return new MediaCapability(media, newProto, port, codecs, direction, rtcpMux, attributes);
  }

  /** The same capability with another direction. */
  public MediaCapability withDirection(Direction newDirection) {
    return new MediaCapability(media, proto, port, codecs, newDirection, rtcpMux, attributes);
  }

  /** The same capability with or without rtcp-mux. */
  public MediaCapability withRtcpMux(boolean mux) {
    return new MediaCapability(media, proto, port, codecs, direction, mux, attributes);
  }

  /** The same capability writing {@code extra} in its answers. */
  public MediaCapability withAttributes(List<Attribute> extra) {
    return new MediaCapability(media, proto, port, codecs, direction, rtcpMux, extra);
  }
}
