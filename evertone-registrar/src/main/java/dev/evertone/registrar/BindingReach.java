package dev.evertone.registrar;

import dev.evertone.sip.SipSockets;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.TransportType;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a request from evertone reaches a registered device: through the flow its REGISTER came over
 * (the connection for TCP, TLS and WebSocket, RFC 5626 5.3; the socket for UDP) to the address it
 * came from (RFC 3581), with a Via naming the address the device can answer to. Or why it cannot be
 * reached.
 *
 * @param destination where to send, or null when unreachable
 * @param sentBy host:port for the top Via, or null when unreachable
 * @param unreachable why it cannot be reached now, or null
 */
public record BindingReach(
    @Nullable Destination destination, @Nullable String sentBy, @Nullable String unreachable) {

  /**
   * @param listenAddress the socket evertone listens on for a transport (null when it does not):
   *     for a UDP binding read back from the store after a restart, which has no flow
   */
  public static BindingReach of(Binding b, SipSockets listenAddress) {
    Flow flow = b.flow();
    if (b.transport().isReliable() && (flow == null || !flow.isOpen())) {
      // a device behind a connection can only be reached over it; it will reconnect and register
      // again
      return new BindingReach(
          null, null, "its " + b.transport().lowerName() + " connection is closed");
    }
    // a UDP binding read back from the store after a restart has no flow: any UDP socket of ours
    // will do
    return of(
        new Destination(
            b.transport(), new InetSocketAddress(b.sourceAddress(), b.sourcePort()), flow),
        listenAddress);
  }

  /**
   * How to reach {@code to}: through its flow when it has one, otherwise through the socket
   * evertone listens on for its transport (UDP), or an open connection to its address (TCP, TLS,
   * WebSocket).
   */
  public static BindingReach of(Destination to, SipSockets listenAddress) {
    Flow flow = to.flow();
    InetSocketAddress socket =
        flow != null ? flow.localAddress() : listenAddress.of(to.transport());
    if (socket == null) {
      return new BindingReach(
          null, null, "evertone does not listen on " + to.transport().lowerName());
    }
    return new BindingReach(to, hostPort(sentBy(socket, to.address().getAddress())), null);
  }

  /** The top Via of a request to this device (RFC 3261 8.1.1.7, RFC 3581 rport). */
  public String via(TransportType transport, String branch) {
    return "SIP/2.0/" + transport.name() + " " + sentBy + ";branch=" + branch + ";rport";
  }

  /**
   * The address to put in Via: the socket's own, or for a socket bound to every address (0.0.0.0)
   * the one the kernel would send from to reach {@code peer} (connecting a UDP socket sends
   * nothing).
   */
  private static InetSocketAddress sentBy(InetSocketAddress local, InetAddress peer) {
    if (!local.getAddress().isAnyLocalAddress()) {
      return local;
    }
    long now = System.nanoTime();
    Probed known = SOURCES.get(peer);
    InetAddress source;
    if (known != null && now - known.at() < PROBE_AGAIN_NANOS) {
      source = known.source();
    } else {
      try (DatagramSocket probe = new DatagramSocket()) {
        probe.connect(peer, 9);
        source = probe.getLocalAddress();
      } catch (SocketException e) {
        return local;
      }
      SOURCES.put(peer, new Probed(source, now));
    }
    return new InetSocketAddress(source, local.getPort());
  }

  /**
   * The source address the kernel chose for recent peers: a call asks for it several times (its Via
   * and Record-Route on both sides), and a probe socket per question costs more than the rest of
   * the routing. Routes rarely change; an entry is probed again after a minute, and the 4,096 most
   * recent peers are kept.
   */
  private static final Map<InetAddress, Probed> SOURCES =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<InetAddress, Probed>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Probed> eldest) {
              return size() > 4096;
            }
          });

  private static final long PROBE_AGAIN_NANOS = 60_000_000_000L;

  private record Probed(InetAddress source, long at) {}

  /** {@code host:port} as a URI or Via writes it: an IPv6 address in brackets. */
  public static String hostPort(InetSocketAddress a) {
    InetAddress ip = a.getAddress();
    String host = ip == null ? a.getHostString() : ip.getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
