package dev.evertone.sip.transport;

/**
 * Names of the Netty handlers in SIP pipelines, so that every pipeline reads the same in a heap
 * dump.
 */
public final class PipelineNames {
  private PipelineNames() {}

  public static final String UDP_RECEIVER = "sip-udp-receiver";
  public static final String IDLE = "idle-timeout";
  public static final String STREAM_DECODER = "sip-stream-decoder";
  public static final String STREAM_RECEIVER = "sip-stream-receiver";
  public static final String TLS = "tls";
  public static final String TLS_OUTCOME = "tls-handshake-outcome";
  public static final String HTTP = "http-codec";
  public static final String HTTP_AGGREGATOR = "http-aggregator";
  public static final String WEBSOCKET_SUBPROTOCOL = "websocket-sip-subprotocol";
  public static final String WEBSOCKET = "websocket";
  public static final String WEBSOCKET_AGGREGATOR = "websocket-aggregator";
  public static final String WEBSOCKET_FRAMES = "websocket-sip-frames";
}
