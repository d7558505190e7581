package dev.evertone.sip.transport;

/** An address evertone listens on for one transport, e.g. {@code udp 0.0.0.0:5060}. */
public record ListenPoint(TransportType transport, String host, int port) {
  public ListenPoint {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, was " + port);
    }
  }

  @Override
  public String toString() {
    return transport.lowerName() + ":" + host + ":" + port;
  }
}
