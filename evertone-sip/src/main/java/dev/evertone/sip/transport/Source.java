package dev.evertone.sip.transport;

import java.net.InetSocketAddress;

/**
 * Where a received message came from: the transport, the peer's address as seen on the socket
 * (after any NAT), and the flow it arrived on.
 */
public record Source(
    TransportType transport, InetSocketAddress remote, Flow flow, String remoteIp) {

  public Source(TransportType transport, InetSocketAddress remote, Flow flow) {
    this(transport, remote, flow, remote.getAddress().getHostAddress());
  }

  /** The peer's IP address as text, without brackets. */
  @Override
  public String remoteIp() {
    return remoteIp;
  }

  public int remotePort() {
    return remote.getPort();
  }

  @Override
  public String toString() {
    return transport.lowerName() + ":" + remoteIp + ":" + remote.getPort();
  }
}
