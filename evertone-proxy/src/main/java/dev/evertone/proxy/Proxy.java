package dev.evertone.proxy;

import dev.evertone.registrar.Binding;
import dev.evertone.registrar.BindingReach;
import dev.evertone.registrar.DigestGate;
import dev.evertone.registrar.LocationService;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Source;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful proxy of RFC 3261 section 16 between the devices of a domain. A request outside a dialog
 * (INVITE, MESSAGE, SUBSCRIBE, REFER, OPTIONS to a user) comes from a device that proves its account with
 * digest authentication (407, RFC 3261 22.3) and may only send as itself; it goes to every registered contact
 * of the target - the line the user part names and the lines of the devices of the extension it names -
 * (parallel forking, 16.6), each over the flow it registered on; responses come back as 16.7 says
 * ({@link Forwarding}). No contact: 480. Requests that create a dialog are record-routed twice (RFC 5658), each
 * entry naming the flow on its side (RFC 5626 flow tokens), so that requests inside the dialog (ACK, BYE,
 * re-INVITE, INFO, UPDATE, NOTIFY, REFER) come through here and reach each device where it is.
 */
public final class Proxy {
  private static final Logger log = LoggerFactory.getLogger(Proxy.class);
  /** Methods that create a dialog (RFC 3261 12, RFC 6665, RFC 3515): this proxy stays on their path. */
  private static final Set<String> DIALOG_CREATING = Set.of(Method.INVITE, Method.SUBSCRIBE, Method.REFER);

  private final LocationService location;
  private final ExtensionDirectory extensions;
  private final DigestGate gate;
  private final TransactionLayer transactions;
  private final Function<TransportType, @Nullable InetSocketAddress> listenAddress;
  private final FlowToken tokens;
  private final long timerC;
  private final String serverHeader;
  private final Counter forwarded;
  private final Counter unavailable;
  private final Counter inDialog;
  private final Counter notOurs;

  /**
   * @param listenAddress the socket evertone listens on for each transport (null when it does not)
   * @param tokens makes and checks the flow tokens of Record-Route; every node of a cluster needs the same secret
   * @param timerC milliseconds a branch of an INVITE may ring unanswered before it is cancelled (16.8, at least 3 min)
   */
  public Proxy(LocationService location, ExtensionDirectory extensions, DigestGate gate, TransactionLayer transactions,
      Function<TransportType, @Nullable InetSocketAddress> listenAddress, FlowToken tokens, long timerC, String serverHeader,
      MeterRegistry meters) {
    this.location = location;
    this.extensions = extensions;
    this.gate = gate;
    this.transactions = transactions;
    this.listenAddress = listenAddress;
    this.tokens = tokens;
    this.timerC = timerC;
    this.serverHeader = serverHeader;
    this.forwarded = requests("forwarded", meters);
    this.unavailable = requests("unavailable", meters);
    this.inDialog = requests("in-dialog", meters);
    this.notOurs = requests("not-our-dialog", meters);
  }

  private static Counter requests(String outcome, MeterRegistry meters) {
    return Counter.builder("evertone.proxy.requests").tag("outcome", outcome).description("requests the proxy handled, by outcome")
        .register(meters);
  }

  /** Routes one request outside a dialog (16.3 to 16.6); the answer may be sent later, from another thread. */
  public void route(ServerTransaction tx) {
    SipRequest request = tx.request();
    try {
      if (!checkHops(tx, request)) {
        return;
      }
      // 16.3 step 5: this proxy supports no extension a request could require of it
      String proxyRequire = request.header(HeaderName.PROXY_REQUIRE);
      if (proxyRequire != null) {
        respond(tx, SipResponse.forRequest(request, StatusCode.BAD_EXTENSION).add(HeaderName.UNSUPPORTED, proxyRequire.strip()));
        return;
      }
      if (!(request.from().uri() instanceof SipUri from) || from.user() == null) {
        respond(tx, gate.reject(request, "From must be a SIP URI naming the sender's account"));
        return;
      }
      String realm = from.host().toLowerCase(Locale.ROOT);
      gate.check(request, tx.source(), realm, DigestGate.Kind.PROXY, user -> false, new DigestGate.Listener() {
        @Override
        public void authenticated(String username) {
          // the sender may only speak as itself: an authenticated account cannot put another in From
          if (!username.equals(from.userUnescaped())) {
            log.warn("{}@{} from {} sent a {} as {}", username, realm, tx.source(), request.method(), from.aorKey());
            respond(tx, SipResponse.forRequest(request, StatusCode.FORBIDDEN).reason("Forbidden (From is not your account)"));
            return;
          }
          forward(tx, request, realm);
        }

        @Override
        public void refused(SipResponse.Builder response, DigestGate.Refusal why) {
          if (why == DigestGate.Refusal.CHALLENGED || why == DigestGate.Refusal.STALE) {
            // a challenge is stateless, as Kamailio's and OpenSIPS's are: no retransmissions for a caller whose
            // ACK does not match (SIPp's proxy scenario changes the branch), a new challenge if it was lost
            response.withToTag(TransactionLayer.newTag()).add(HeaderName.SERVER, serverHeader);
            tx.respondStatelessly(response.build());
          } else {
            respond(tx, response);
          }
        }
      });
    } catch (SipParseException e) {
      respond(tx, gate.reject(request, e.reason()));
    }
  }

  /**
   * Routes a request inside a dialog this proxy record-routed (16.4, 16.6): the Route entries this proxy
   * inserted are removed, and the flow token of the last one says where the other party is. Such a request
   * needs no authentication: the dialog was authorized when it was set up, and a token cannot be forged.
   * A request inside a dialog that is not ours is refused: evertone relays nothing it did not set up.
   */
  public void routeInDialog(ServerTransaction tx) {
    SipRequest request = tx.request();
    try {
      if (!checkHops(tx, request)) {
        return;
      }
      Hop hop = nextHop(request);
      if (hop == null) {
        notOurs.increment();
        respond(tx, SipResponse.forRequest(request, StatusCode.NOT_FOUND).reason("Not Found (not a dialog of this proxy)"));
        return;
      }
      BindingReach reach = BindingReach.of(hop.destination(), listenAddress);
      if (reach.destination() == null) {
        respond(tx, SipResponse.forRequest(request, StatusCode.TEMPORARILY_UNAVAILABLE));
        return;
      }
      inDialog.increment();
      Forwarding forwarding = new Forwarding(tx, transactions, timerC, b -> respond(tx, b));
      forwarding.add(nextHopCopy(request, hop, reach), reach.destination());
      tx.attach(forwarding);
      if (request.isMethod(Method.INVITE)) {
        tx.respond(SipResponse.forRequest(request, StatusCode.TRYING).build()); // 16.2: stop the caller's retransmissions
      }
      forwarding.start();
    } catch (SipParseException e) {
      respond(tx, SipResponse.forRequest(request, StatusCode.BAD_REQUEST).reason("Bad Request (" + e.reason() + ")"));
    }
  }

  /**
   * An ACK that matched no transaction: the ACK of a 2xx, end to end (RFC 3261 13.2.2.4). It follows the
   * dialog's route like any request in it, without a transaction; an ACK for a dialog not ours is dropped.
   */
  public void ack(SipRequest ack) {
    try {
      if (ack.maxForwards() == 0) {
        return;
      }
      Hop hop = nextHop(ack);
      if (hop == null) {
        notOurs.increment();
        log.debug("ACK {} is not for a dialog of this proxy; dropped", ack.callId());
        return;
      }
      BindingReach reach = BindingReach.of(hop.destination(), listenAddress);
      if (reach.destination() != null) {
        transactions.sendStateless(nextHopCopy(ack, hop, reach), reach.destination());
      }
    } catch (SipParseException e) {
      log.debug("ACK {} dropped: {}", ack.callId(), e.reason());
    }
  }

  /** The caller cancelled its INVITE (16.10): the transaction layer answered the CANCEL; the branches are cancelled. */
  public void cancel(ServerTransaction invite) {
    if (invite.attachment() instanceof Forwarding f) {
      f.cancel();
    } else {
      // not forwarded yet (the extension's lines are still being read): it ends here
      respond(invite, SipResponse.forRequest(invite.request(), StatusCode.REQUEST_TERMINATED));
    }
  }

  /** 16.3 step 3: a request that has travelled too far ends here. */
  private boolean checkHops(ServerTransaction tx, SipRequest request) {
    if (request.maxForwards() == 0) {
      respond(tx, SipResponse.forRequest(request, StatusCode.TOO_MANY_HOPS));
      return false;
    }
    return true;
  }

  /** Where a request inside a dialog goes next, and the Route entries it keeps. */
  private record Hop(Destination destination, List<String> routes) {}

  /**
   * 16.4: the Route entries at the top that carry a valid flow token are this proxy's own (two per dialog,
   * RFC 5658) and are removed; the next hop is the first remaining Route entry (an edge proxy on the other
   * side), else the flow the last removed entry names. Null: the request did not come through a dialog of ours.
   */
  private @Nullable Hop nextHop(SipRequest request) {
    List<String> routes = request.headerValues(HeaderName.ROUTE);
    Destination flow = null;
    int i = 0;
    for (; i < routes.size(); i++) {
      SipUri uri = Address.parse(routes.get(i)).sipUri();
      Destination d = uri == null ? null : tokens.decode(uri.user());
      if (d == null) {
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

  /** The address of a SIP URI whose host is an IP address (a Path or Record-Route entry); null for a name. */
  private static @Nullable Destination literalAddress(SipUri uri) {
    String host = uri.host();
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    } else if (!host.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
      return null; // no DNS on the call path: an edge proxy records its address
    }
    TransportType transport = transportOf(uri);
    int port = uri.port() > 0 ? uri.port() : transport.defaultPort();
    try {
      return Destination.of(transport, new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (UnknownHostException e) {
      return null;
    }
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

  /** A request inside a dialog, for its next hop: one hop less, our Via on top, this proxy's Route entries removed. */
  private static SipRequest nextHopCopy(SipRequest request, Hop hop, BindingReach reach) {
    SipRequest.Builder r = request.toBuilder()
        .set(HeaderName.MAX_FORWARDS, Integer.toString(request.maxForwards() < 0 ? 69 : request.maxForwards() - 1))
        .prepend(HeaderName.VIA, reach.via(reach.destination().transport(), TransactionLayer.newBranch()))
        .remove(HeaderName.ROUTE);
    for (String route : hop.routes()) {
      r.add(HeaderName.ROUTE, route);
    }
    return r.build();
  }

  private void forward(ServerTransaction tx, SipRequest request, String realm) {
    Uri target = request.requestUri();
    // a domain's devices reach the devices of the same domain; other domains and the outside world come with trunks
    if (!(target instanceof SipUri uri) || uri.user() == null || !uri.host().equalsIgnoreCase(realm)) {
      respond(tx, SipResponse.forRequest(request, StatusCode.FORBIDDEN).reason("Forbidden (only users of " + realm + " can be reached)"));
      return;
    }
    if (request.isMethod(Method.INVITE)) {
      tx.respond(SipResponse.forRequest(request, StatusCode.TRYING).build()); // 16.2: stop the caller's retransmissions
    }
    String user = uri.userUnescaped();
    extensions.authUsers(realm, user).whenComplete((lines, failure) -> {
      if (failure != null) {
        log.error("cannot read the lines of extension {}@{}; routing to the line of that name only: {}", user, realm, failure.toString());
      }
      try {
        fork(tx, request, uri, realm, failure == null ? lines : List.of());
      } catch (RuntimeException e) {
        log.error("{} to {} failed", request.method(), uri, e);
        respond(tx, SipResponse.forRequest(request, StatusCode.SERVER_INTERNAL_ERROR));
      }
    });
  }

  /**
   * 16.5: the targets are the contacts of the line the user part names, and of the lines on the devices of
   * the extension it names (a user's desk phone and softphone ring together).
   */
  private void fork(ServerTransaction tx, SipRequest request, SipUri uri, String realm, List<String> lines) {
    if (tx.isCompleted()) {
      return; // cancelled while the extension's lines were read
    }
    Set<String> aors = new LinkedHashSet<>();
    aors.add(uri.aorKey());
    for (String line : lines) {
      aors.add(SipUri.of(line, realm).aorKey());
    }
    List<Binding> bindings = new ArrayList<>();
    for (String aor : aors) {
      bindings.addAll(location.lookup(aor));
    }
    Forwarding forwarding = new Forwarding(tx, transactions, timerC, b -> respond(tx, b));
    // the Record-Route entry on the caller's side names the flow the request came over
    String callerSide = null;
    if (DIALOG_CREATING.contains(request.method())) {
      Source source = tx.source();
      BindingReach caller = BindingReach.of(new Destination(source.transport(), source.remote(), source.flow()), listenAddress);
      if (caller.sentBy() != null) {
        callerSide = recordRoute(source.transport(), source.remote(), caller.sentBy());
      }
    }
    int targets = 0;
    for (Binding b : bindings) {
      BindingReach reach = BindingReach.of(b, listenAddress);
      Destination to = reach.destination();
      if (to != null) {
        try {
          forwarding.add(copyFor(request, b, reach, callerSide), to);
          targets++;
        } catch (SipParseException e) {
          log.debug("contact {} cannot be a Request-URI: {}", b.contact(), e.reason());
        }
      }
    }
    if (targets == 0) {
      unavailable.increment();
      respond(tx, SipResponse.forRequest(request, StatusCode.TEMPORARILY_UNAVAILABLE));
      return;
    }
    forwarded.increment();
    tx.attach(forwarding);
    forwarding.start();
  }

  /** A Record-Route entry of this proxy: the flow token of one side, the address that side reaches us at. */
  private String recordRoute(TransportType transport, InetSocketAddress peer, String sentBy) {
    return "<sip:" + tokens.encode(transport, peer) + "@" + sentBy + (transport == TransportType.UDP ? "" : ";transport=" + transport.lowerName())
        + ";lr>";
  }

  /**
   * 16.6: the request for one target: its contact as Request-URI, one hop less, our Via on top, its Path as
   * route, and for a request that creates a dialog our two Record-Route entries (callee's side on top).
   */
  private SipRequest copyFor(SipRequest request, Binding b, BindingReach reach, @Nullable String callerSide) {
    Destination to = reach.destination();
    SipRequest.Builder r = request.toBuilder()
        .requestUri(Uri.parse(b.contact()))
        .set(HeaderName.MAX_FORWARDS, Integer.toString(request.maxForwards() < 0 ? 69 : request.maxForwards() - 1))
        .prepend(HeaderName.VIA, reach.via(b.transport(), TransactionLayer.newBranch()))
        // RFC 3261 22.3: the credentials were for this proxy, not for the device
        .remove(HeaderName.PROXY_AUTHORIZATION)
        // 16.4: the sender's route set names this proxy (its outbound proxy); evertone delivers to the registered
        // contact itself and follows no other route a sender writes, so that it relays nothing elsewhere
        .remove(HeaderName.ROUTE);
    if (b.path() != null) {
      r.prepend(HeaderName.ROUTE, b.path()); // RFC 3327 5.3
    }
    if (callerSide != null && to != null) {
      r.prepend(HeaderName.RECORD_ROUTE, callerSide).prepend(HeaderName.RECORD_ROUTE, recordRoute(to.transport(), to.address(), reach.sentBy()));
    }
    return r.build();
  }

  private void respond(ServerTransaction tx, SipResponse.Builder b) {
    b.withToTag(TransactionLayer.newTag());
    b.add(HeaderName.SERVER, serverHeader);
    tx.respond(b.build());
  }
}
