package dev.evertone.sip.transport;

import dev.evertone.sip.header.Via;
import dev.evertone.sip.syntax.Hosts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/** Where a response to a request goes (RFC 3261 18.2.2, RFC 3581 4). */
public final class ResponseRouting {
  private ResponseRouting() {}

  /**
   * The address a response goes to over an unreliable transport, given the top Via of the response
   * (as stamped on receipt) and where the request came from:
   *
   * <ul>
   *   <li>rport present: the received address and the rport port, i.e. the packet's source (RFC
   *       3581 4);
   *   <li>otherwise: the received address (or sent-by host) and the sent-by port, default 5060.
   * </ul>
   *
   * A sent-by that is not an IP literal always has a received parameter (the transport adds it), so
   * no name is ever resolved here; as a last resort the packet's source address is used.
   */
  public static InetSocketAddress udpDestination(Via top, Source source) {
    if (top.hasRport()) {
      int port = top.rport() > 0 ? top.rport() : source.remotePort();
      return port == source.remotePort()
          ? source.remote()
          : new InetSocketAddress(source.remote().getAddress(), port);
    }
    String host = top.received() != null ? top.received() : stripBrackets(top.host());
    int port = top.port() >= 0 ? top.port() : TransportType.UDP.defaultPort();
    if (host.equals(source.remoteIp())) {
      // the common case: the answer goes back to the address the request came from
      return port == source.remotePort()
          ? source.remote()
          : new InetSocketAddress(source.remote().getAddress(), port);
    }
    InetAddress address = literal(host);
    return new InetSocketAddress(address != null ? address : source.remote().getAddress(), port);
  }

  /**
   * The address to open a new connection to when the request's connection is gone (RFC 3261
   * 18.2.2).
   */
  public static InetSocketAddress streamDestination(
      Via top, Source source, TransportType transport) {
    String host = top.received() != null ? top.received() : stripBrackets(top.host());
    int port =
        top.hasRport() && top.rport() > 0
            ? top.rport()
            : top.port() >= 0 ? top.port() : transport.defaultPort();
    InetAddress address = literal(host);
    return new InetSocketAddress(address != null ? address : source.remote().getAddress(), port);
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }

  /** The address for an IPv4 or IPv6 literal, without any name lookup; null for a host name. */
  static @Nullable InetAddress literal(String host) {
    if (!Hosts.isIpv4(host) && !Hosts.isIpv6(host)) {
      return null;
    }
    try {
      return InetAddress.getByName(host); // a literal: parsed, never resolved
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
