package dev.evertone.media.audio;

/**
 * A codec evertone decodes and encodes: frames of 8 kHz linear PCM to and from an RTP payload. The
 * WebRTC issue adds Opus behind the same interface. Implementations are stateless or keep state per
 * instance; G.711's are stateless and shared.
 */
public interface AudioCodec {
  /** The encoding name of the SDP rtpmap (RFC 4566 6), e.g. {@code PCMU}. */
  String name();

  /** The static payload type of RFC 3551, or -1 for a codec that has none (dynamic). */
  int staticPayloadType();

  /** The RTP clock rate (RFC 3551 4.5). */
  int clockRate();

  /**
   * Decodes {@code length} payload bytes at {@code offset} of {@code payload} into {@code pcm} from
   * {@code pcmOffset}; returns the number of samples written.
   */
  int decode(byte[] payload, int offset, int length, short[] pcm, int pcmOffset);

  /**
   * Encodes {@code samples} samples at {@code pcmOffset} of {@code pcm} into {@code payload} from
   * {@code offset}; returns the number of bytes written.
   */
  int encode(short[] pcm, int pcmOffset, int samples, byte[] payload, int offset);
}
