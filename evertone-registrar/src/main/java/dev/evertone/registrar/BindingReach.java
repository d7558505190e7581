package dev.evertone.registrar;

import dev.evertone.sip.SipSockets;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.TransportType;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * How a request from evertone reaches a registered device: through the flow its REGISTER came over
 * (the connection for TCP, TLS and WebSocket, RFC 5626 5.3; the socket for UDP) to the address it
 * came from (RFC 3581), with a Via naming the address the device can answer to ({@link Reachable}).
 * Or why it cannot be reached ({@link Unreachable}).
 */
public sealed interface BindingReach permits BindingReach.Reachable, BindingReach.Unreachable {

  /**
   * A device evertone can send to.
   *
   * @param destination where to send
   * @param sentBy host:port of evertone on the device's side: for the top Via and for the
   *     Record-Route entry of that side
   */
  record Reachable(Destination destination, String sentBy) implements BindingReach {
    /** The top Via of a request to this device (RFC 3261 8.1.1.7, RFC 3581 rport). */
    public String via(TransportType transport, String branch) {
      return "SIP/2.0/" + transport.name() + " " + sentBy + ";branch=" + branch + ";rport";
    }
  }

  /**
   * A device evertone cannot send to now.
   *
   * @param why the reason, for a log line or an answer
   */
  record Unreachable(String why) implements BindingReach {}

  /**
   * How to reach a binding's device.
   *
   * @param listenAddress the socket evertone listens on for a transport (null when it does not):
   *     for a UDP binding read back from the store after a restart, which has no flow
   */
  static BindingReach of(Binding b, SipSockets listenAddress) {
    Flow flow = b.flow();
    if (b.transport().isReliable() && (flow == null || !flow.isOpen())) {
      // a device behind a connection can only be reached over it; it will reconnect and register
      // again
      return new Unreachable("its " + b.transport().lowerName() + " connection is closed");
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
  static BindingReach of(Destination to, SipSockets listenAddress) {
    Flow flow = to.flow();
    InetSocketAddress socket =
        flow != null ? flow.localAddress() : listenAddress.of(to.transport());
    if (socket == null) {
      return new Unreachable("evertone does not listen on " + to.transport().lowerName());
    }
    return new Reachable(to, hostPort(SendingAddress.towards(socket, to.address().getAddress())));
  }

  /** {@code host:port} as a URI or Via writes it: an IPv6 address in brackets. */
  static String hostPort(InetSocketAddress a) {
    InetAddress ip = a.getAddress();
    String host = ip == null ? a.getHostString() : ip.getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
