package dev.evertone.proxy;

import dev.evertone.registrar.BindingReach;
import dev.evertone.sip.SipSockets;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.syntax.Hosts;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Source;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * This proxy's entries in Route and Record-Route. A request that creates a dialog is record-routed
 * twice (RFC 5658), each entry naming the flow on its side with a flow token (RFC 5626 5.2), so
 * that the requests inside the dialog come back through here and reach each party where it is; a
 * request with such Route entries on top is one of those (16.4).
 */
final class DialogRoutes {
  /**
   * Methods that create a dialog (RFC 3261 12, RFC 6665, RFC 3515): this proxy stays on their path.
   */
  private static final Set<String> DIALOG_CREATING =
      Set.of(Method.INVITE, Method.SUBSCRIBE, Method.REFER);

  private final FlowToken tokens;
  private final SipSockets sockets;
  // whether a host named in a Route entry is an address of this machine, for a socket bound to all
  private final ConcurrentHashMap<String, Boolean> localHosts = new ConcurrentHashMap<>();

  DialogRoutes(FlowToken tokens, SipSockets sockets) {
    this.tokens = tokens;
    this.sockets = sockets;
  }

  /** Where a request inside a dialog goes next, and the Route entries it keeps. */
  record Hop(Destination destination, List<String> routes) {}

  /** Whether this proxy record-routes {@code request}: it creates a dialog. */
  static boolean createsDialog(SipRequest request) {
    return DIALOG_CREATING.contains(request.method());
  }

  /**
   * 16.4: the Route entries at the top that carry a valid flow token are this proxy's own (two per
   * dialog, RFC 5658) and are removed; the next hop is the first remaining Route entry (an edge
   * proxy on the other side), else the flow the last removed entry names. Null: the request did not
   * come through a dialog of ours.
   */
  @Nullable Hop nextHop(SipRequest request) {
    List<String> routes = request.headerValues(HeaderName.ROUTE);
    Destination flow = null;
    int i = 0;
    for (; i < routes.size(); i++) {
      SipUri uri = Address.parse(routes.get(i)).sipUri();
      // the token first: an HMAC is cheaper than the address check, and only hosts of real tokens
      // reach its cache
      Destination d = uri == null ? null : tokens.decode(uri.user());
      if (uri == null || d == null || !isOwn(uri)) {
        break;
      }
      flow = d;
    }
    if (flow == null) {
      return null;
    }
    List<String> rest = List.copyOf(routes.subList(i, routes.size()));
    if (rest.isEmpty()) {
      return new Hop(flow, rest);
    }
    SipUri next = Address.parse(rest.get(0)).sipUri();
    Destination d = next == null ? null : literalAddress(next);
    return d == null ? null : new Hop(d, rest);
  }

  /**
   * A request inside a dialog, for its next hop: one hop less, our Via on top, this proxy's Route
   * entries removed.
   */
  static SipRequest.Builder towards(SipRequest request, Hop hop, BindingReach.Reachable reach) {
    SipRequest.Builder r =
        request.toBuilder()
            .set(HeaderName.MAX_FORWARDS, EntryChecks.maxForwardsLeft(request))
            .prepend(
                HeaderName.VIA,
                reach.via(reach.destination().transport(), TransactionLayer.newBranch()))
            .remove(HeaderName.ROUTE);
    for (String route : hop.routes()) {
      r.add(HeaderName.ROUTE, route);
    }
    return r;
  }

  /**
   * This proxy's Record-Route entry on the side a request came from: the flow it came over. Null
   * when this proxy has no socket of that transport to name.
   */
  @Nullable String sendersSide(Source source) {
    BindingReach back =
        BindingReach.of(
            new Destination(source.transport(), source.remote(), source.flow()), sockets);
    return back instanceof BindingReach.Reachable r
        ? recordRoute(source.transport(), source.remote(), r.sentBy())
        : null;
  }

  /** This proxy's Record-Route entry on the side of a target it sends to. */
  String targetsSide(BindingReach.Reachable reach) {
    Destination to = reach.destination();
    return recordRoute(to.transport(), to.address(), reach.sentBy());
  }

  /**
   * The Route entry that sends a request through another node of the cluster to one of its devices:
   * the device's flow token, at the node's address.
   */
  String throughNode(TransportType transport, InetSocketAddress device, InetSocketAddress node) {
    return "<sip:" + tokens.encode(transport, device) + "@" + BindingReach.hostPort(node) + ";lr>";
  }

  /**
   * A Record-Route entry of this proxy: the flow token of one side, the address that side reaches
   * us at.
   */
  private String recordRoute(TransportType transport, InetSocketAddress peer, String sentBy) {
    return "<sip:"
        + tokens.encode(transport, peer)
        + "@"
        + sentBy
        + (transport == TransportType.UDP ? "" : ";transport=" + transport.lowerName())
        + ";lr>";
  }

  /**
   * Whether a Route or Record-Route URI names this node: the port of one of its sockets, on one of
   * its addresses.
   */
  private boolean isOwn(SipUri uri) {
    TransportType t = transportOf(uri);
    InetSocketAddress listen = sockets.of(t);
    if (listen == null || (uri.port() > 0 ? uri.port() : t.defaultPort()) != listen.getPort()) {
      return false;
    }
    String host = unbracketed(uri.host());
    if (!listen.getAddress().isAnyLocalAddress()) {
      return listen.getAddress().getHostAddress().equals(host)
          || listen.getAddress().equals(literal(host));
    }
    return localHosts.computeIfAbsent(host, DialogRoutes::isLocal);
  }

  private static boolean isLocal(String host) {
    InetAddress a = literal(host);
    try {
      return a != null && (a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null);
    } catch (SocketException e) {
      return false;
    }
  }

  /**
   * The address of a SIP URI whose host is an IP address (a Path or Record-Route entry); null for a
   * name.
   */
  private static @Nullable Destination literalAddress(SipUri uri) {
    InetAddress ip = literal(unbracketed(uri.host()));
    if (ip == null) {
      return null; // no DNS on the call path: an edge proxy records its address
    }
    TransportType transport = transportOf(uri);
    return Destination.of(
        transport,
        new InetSocketAddress(ip, uri.port() > 0 ? uri.port() : transport.defaultPort()));
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static TransportType transportOf(SipUri uri) {
    String t = uri.transport();
    if (t != null) {
      for (TransportType type : TransportType.values()) {
        if (type.lowerName().equalsIgnoreCase(t)) {
          return type;
        }
      }
    }
    return uri.isSecure() ? TransportType.TLS : TransportType.UDP;
  }

  /**
   * The address an IPv4 or IPv6 literal names; null for a host name, which is never resolved on the
   * call path.
   */
  private static @Nullable InetAddress literal(String host) {
    if (!Hosts.isIpv4(host) && !Hosts.isIpv6(host)) {
      return null;
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
