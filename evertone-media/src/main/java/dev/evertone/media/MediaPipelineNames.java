package dev.evertone.media;

/** The names of the handlers in a relay socket's pipeline. */
final class MediaPipelineNames {
  /** Reads an RTP port: RTP, and RTCP when multiplexed (RFC 5761). */
  static final String RTP_RECEIVER = "media-rtp-receiver";

  /** Reads an RTCP port. */
  static final String RTCP_RECEIVER = "media-rtcp-receiver";

  private MediaPipelineNames() {}
}
