package dev.evertone.sip.transport;

import dev.evertone.sip.parser.ParseLimits;
import java.util.List;

/**
 * Transport settings.
 *
 * @param listen the sockets to open
 * @param limits parser size limits
 * @param ioThreads event-loop threads; also the number of UDP sockets sharing a port (SO_REUSEPORT)
 * @param udpReceiveBufferBytes SO_RCVBUF of UDP sockets, to absorb bursts
 * @param maxConnections most open stream connections; further ones are refused
 * @param idleTimeoutSeconds a stream connection with no traffic for this long is closed
 * @param warnAgent host name put in Warning headers of error responses
 * @param streams limits of stream connections: TLS handshakes, WebSocket upgrades, the accept
 *     backlog, outgoing connections
 */
public record TransportConfig(
    List<ListenPoint> listen,
    ParseLimits limits,
    int ioThreads,
    int udpReceiveBufferBytes,
    int maxConnections,
    long idleTimeoutSeconds,
    String warnAgent,
    StreamLimits streams) {

  /** Settings with the default {@link StreamLimits}. */
  public TransportConfig(
      List<ListenPoint> listen,
      ParseLimits limits,
      int ioThreads,
      int udpReceiveBufferBytes,
      int maxConnections,
      long idleTimeoutSeconds,
      String warnAgent) {
    this(
        listen,
        limits,
        ioThreads,
        udpReceiveBufferBytes,
        maxConnections,
        idleTimeoutSeconds,
        warnAgent,
        StreamLimits.DEFAULT);
  }

  public TransportConfig {
    listen = List.copyOf(listen);
    if (ioThreads < 1) {
      throw new IllegalArgumentException("ioThreads must be at least 1");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1");
    }
    if (idleTimeoutSeconds < 1) {
      throw new IllegalArgumentException("idleTimeoutSeconds must be at least 1");
    }
  }
}
