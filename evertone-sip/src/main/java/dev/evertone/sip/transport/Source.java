package dev.evertone.sip.transport;

import java.net.InetSocketAddress;

/**
 * Where a received message came from: the transport, the peer's address as seen on the socket (after any
 * NAT), and the flow it arrived on.
 */
public record Source(TransportType transport, InetSocketAddress remote, Flow flow) {

  /** The peer's IP address as text, without brackets. */
  public String remoteIp() {
    return remote.getAddress().getHostAddress();
  }

  public int remotePort() {
    return remote.getPort();
  }

  @Override
  public String toString() {
    return transport.lowerName() + ":" + remote.getAddress().getHostAddress() + ":" + remote.getPort();
  }
}
