package dev.evertone.stun;

/**
 * Names of the Netty handlers in STUN and TURN pipelines, so that every pipeline reads the same in
 * a heap dump.
 */
public final class StunPipelineNames {
  private StunPipelineNames() {}

  /** A listening UDP socket's handler: Binding, and with TURN every client datagram. */
  public static final String UDP_RECEIVER = "stun-udp-receiver";

  /** TLS ("stuns:", "turns:"), with the certificate chosen by SNI. */
  public static final String TLS = "tls";

  /** Closes a TCP or TLS connection that stays idle. */
  public static final String IDLE = "idle-timeout";

  /** Cuts a TCP or TLS stream into STUN messages and ChannelData. */
  public static final String FRAME_DECODER = "stun-frame-decoder";

  /** Answers the messages of a TCP or TLS connection. */
  public static final String STREAM_RECEIVER = "stun-stream-receiver";

  /** A TURN relay socket's handler: datagrams from peers to the client. */
  public static final String TURN_PEER_RECEIVER = "turn-peer-receiver";
}
