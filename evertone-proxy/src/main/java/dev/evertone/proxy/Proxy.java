package dev.evertone.proxy;

import dev.evertone.registrar.Binding;
import dev.evertone.registrar.BindingReach;
import dev.evertone.registrar.DigestGate;
import dev.evertone.registrar.LocationService;
import dev.evertone.sip.SipSockets;
import dev.evertone.sip.auth.DigestClient;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.syntax.Hosts;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Source;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import dev.evertone.store.registration.StoredBinding;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.ForwardRule;
import dev.evertone.store.routing.PhoneNumber;
import dev.evertone.store.routing.Trunk;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful proxy of RFC 3261 section 16 between the devices of a domain. A request outside a
 * dialog (INVITE, MESSAGE, SUBSCRIBE, REFER, OPTIONS to a user) comes from a device that proves its
 * account with digest authentication (407, RFC 3261 22.3) and may only send as itself; it goes to
 * every registered contact of the target - the line the user part names and the lines of the
 * devices of the extension it names - (parallel forking, 16.6), each over the flow it registered
 * on; responses come back as 16.7 says ({@link Forwarding}). No contact: 480. Requests that create
 * a dialog are record-routed twice (RFC 5658), each entry naming the flow on its side (RFC 5626
 * flow tokens), so that requests inside the dialog (ACK, BYE, re-INVITE, INFO, UPDATE, NOTIFY,
 * REFER) come through here and reach each device where it is.
 */
public final class Proxy {
  private static final Logger log = LoggerFactory.getLogger(Proxy.class);

  /**
   * Methods that create a dialog (RFC 3261 12, RFC 6665, RFC 3515): this proxy stays on their path.
   */
  private static final Set<String> DIALOG_CREATING =
      Set.of(Method.INVITE, Method.SUBSCRIBE, Method.REFER);

  private static final String P_ASSERTED_IDENTITY = "P-Asserted-Identity";

  private final LocationService location;
  private final ExtensionDirectory extensions;
  private final DigestGate gate;
  private final TransactionLayer transactions;
  private final SipSockets listenAddress;
  private final FlowToken tokens;
  private final long timerC;
  private final String serverHeader;
  private final Counter forwarded;
  private final Counter unavailable;
  private final Counter inDialog;
  private final Counter notOurs;
  private final Counter inbound;
  private final Counter outbound;
  private final Counter failovers;
  private final Counter forwardedByRule;
  private final RoutingTable routing;
  private final Cluster cluster;
  private final Counter relayed;
  private final java.util.concurrent.ConcurrentHashMap<String, Boolean> localHosts =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param listenAddress the socket evertone listens on for each transport (null when it does not)
   * @param tokens makes and checks the flow tokens of Record-Route; every node of a cluster needs
   *     the same secret
   * @param timerC milliseconds a branch of an INVITE may ring unanswered before it is cancelled
   *     (16.8, at least 3 min)
   */
  public Proxy(
      LocationService location,
      ExtensionDirectory extensions,
      RoutingTable routing,
      Cluster cluster,
      DigestGate gate,
      TransactionLayer transactions,
      SipSockets listenAddress,
      FlowToken tokens,
      long timerC,
      String serverHeader,
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
    this.inbound = requests("from-trunk", meters);
    this.outbound = requests("to-trunk", meters);
    this.failovers = requests("trunk-failover", meters);
    this.forwardedByRule = requests("forwarded-by-rule", meters);
    this.routing = routing;
    this.cluster = cluster;
    this.relayed = requests("relayed-for-node", meters);
  }

  private static Counter requests(String outcome, MeterRegistry meters) {
    return Counter.builder("evertone.proxy.requests")
        .tag("outcome", outcome)
        .description("requests the proxy handled, by outcome")
        .register(meters);
  }

  /**
   * Routes one request outside a dialog (16.3 to 16.6); the answer may be sent later, from another
   * thread.
   */
  public void route(ServerTransaction tx) {
    SipRequest request = tx.request();
    try {
      if (!checkHops(tx, request)) {
        return;
      }
      // 16.3 step 5: this proxy supports no extension a request could require of it
      String proxyRequire = request.header(HeaderName.PROXY_REQUIRE);
      if (proxyRequire != null) {
        respond(
            tx,
            SipResponse.forRequest(request, StatusCode.BAD_EXTENSION)
                .add(HeaderName.UNSUPPORTED, proxyRequire.strip()));
        return;
      }
      if (cluster.enabled()
          && request.has(HeaderName.ROUTE)
          && cluster.isNode(tx.source().remote())) {
        Hop hop = nextHop(request);
        if (hop != null) {
          relayFromNode(tx, request, hop);
          return;
        }
      }
      RoutingTable.Route carrier = routing.trunkAt(tx.source());
      if (carrier != null) {
        inbound(tx, request, carrier);
        return;
      }
      if (!(request.from().uri() instanceof SipUri from) || from.user() == null) {
        respond(tx, gate.reject(request, "From must be a SIP URI naming the sender's account"));
        return;
      }
      String realm = from.host().toLowerCase(Locale.ROOT);
      gate.check(
          request,
          tx.source(),
          realm,
          DigestGate.Kind.PROXY,
          user -> false,
          new DigestGate.Listener() {
            @Override
            public void authenticated(String username) {
              // the sender may only speak as itself: an authenticated account cannot put another in
              // From
              if (!username.equals(from.userUnescaped())) {
                log.warn(
                    "{}@{} from {} sent a {} as {}",
                    username,
                    realm,
                    tx.source(),
                    request.method(),
                    from.aorKey());
                respond(
                    tx,
                    SipResponse.forRequest(request, StatusCode.FORBIDDEN)
                        .reason("Forbidden (From is not your account)"));
                return;
              }
              forward(tx, request, realm);
            }

            @Override
            public void refused(SipResponse.Builder response, DigestGate.Refusal why) {
              if (why == DigestGate.Refusal.CHALLENGED || why == DigestGate.Refusal.STALE) {
                // a challenge is stateless, as Kamailio's and OpenSIPS's are: no retransmissions
                // for a caller whose
                // ACK does not match (SIPp's proxy scenario changes the branch), a new challenge if
                // it was lost
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
   * Routes a request inside a dialog this proxy record-routed (16.4, 16.6): the Route entries this
   * proxy inserted are removed, and the flow token of the last one says where the other party is.
   * Such a request needs no authentication: the dialog was authorized when it was set up, and a
   * token cannot be forged. A request inside a dialog that is not ours is refused: evertone relays
   * nothing it did not set up.
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
        respond(
            tx,
            SipResponse.forRequest(request, StatusCode.NOT_FOUND)
                .reason("Not Found (not a dialog of this proxy)"));
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
        tx.respond(
            SipResponse.forRequest(request, StatusCode.TRYING)
                .build()); // 16.2: stop the caller's retransmissions
      }
      forwarding.start();
    } catch (SipParseException e) {
      respond(
          tx,
          SipResponse.forRequest(request, StatusCode.BAD_REQUEST)
              .reason("Bad Request (" + e.reason() + ")"));
    }
  }

  /**
   * An ACK that matched no transaction: the ACK of a 2xx, end to end (RFC 3261 13.2.2.4). It
   * follows the dialog's route like any request in it, without a transaction; an ACK for a dialog
   * not ours is dropped.
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

  /**
   * The caller cancelled its INVITE (16.10): the transaction layer answered the CANCEL; the
   * branches are cancelled.
   */
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
   * 16.4: the Route entries at the top that carry a valid flow token are this proxy's own (two per
   * dialog, RFC 5658) and are removed; the next hop is the first remaining Route entry (an edge
   * proxy on the other side), else the flow the last removed entry names. Null: the request did not
   * come through a dialog of ours.
   */
  private @Nullable Hop nextHop(SipRequest request) {
    List<String> routes = request.headerValues(HeaderName.ROUTE);
    Destination flow = null;
    int i = 0;
    for (; i < routes.size(); i++) {
      SipUri uri = Address.parse(routes.get(i)).sipUri();
      // the token first: an HMAC is cheaper than the address check, and only hosts of real tokens
      // reach its cache
      Destination d = uri == null ? null : tokens.decode(uri.user());
      if (d != null && !isOwn(uri)) {
        d = null;
      }
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
   * A request inside a dialog, for its next hop: one hop less, our Via on top, this proxy's Route
   * entries removed.
   */
  private static SipRequest nextHopCopy(SipRequest request, Hop hop, BindingReach reach) {
    return nextHopBuilder(request, hop, reach).build();
  }

  private static SipRequest.Builder nextHopBuilder(
      SipRequest request, Hop hop, BindingReach reach) {
    SipRequest.Builder r =
        request.toBuilder()
            .set(
                HeaderName.MAX_FORWARDS,
                Integer.toString(request.maxForwards() < 0 ? 69 : request.maxForwards() - 1))
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
   * How many times one call may be forwarded (extension to extension to number...) before it is a
   * loop.
   */
  private static final int MAX_FORWARDS_OF_A_CALL = 4;

  /**
   * One request being routed: where it came from, its response context, and who the caller is to
   * carriers.
   */
  private record Call(
      ServerTransaction tx,
      SipRequest request,
      String domain,
      Forwarding forwarding,
      @Nullable String callerSide,
      @Nullable String callerNumber,
      boolean fromDevice) {}

  private void forward(ServerTransaction tx, SipRequest request, String realm) {
    Uri target = request.requestUri();
    // a domain's devices reach the devices of the same domain, and the outside world through its
    // trunks
    if (!(target instanceof SipUri uri)
        || uri.user() == null
        || !uri.host().equalsIgnoreCase(realm)) {
      respond(
          tx,
          SipResponse.forRequest(request, StatusCode.FORBIDDEN)
              .reason("Forbidden (only users of " + realm + " can be reached)"));
      return;
    }
    String caller = ((SipUri) request.from().uri()).userUnescaped();
    Call call = newCall(tx, request, realm, routing.numberOf(realm, caller), true);
    toUser(call, uri.userUnescaped(), 0);
  }

  private Call newCall(
      ServerTransaction tx,
      SipRequest request,
      String domain,
      @Nullable String callerNumber,
      boolean fromDevice) {
    if (request.isMethod(Method.INVITE)) {
      tx.respond(
          SipResponse.forRequest(request, StatusCode.TRYING)
              .build()); // 16.2: stop the caller's retransmissions
    }
    Forwarding forwarding = new Forwarding(tx, transactions, timerC, b -> respond(tx, b));
    tx.attach(forwarding);
    // the Record-Route entry on the caller's side names the flow the request came over
    String callerSide = null;
    if (DIALOG_CREATING.contains(request.method())) {
      Source source = tx.source();
      BindingReach caller =
          BindingReach.of(
              new Destination(source.transport(), source.remote(), source.flow()), listenAddress);
      if (caller.sentBy() != null) {
        callerSide = recordRoute(source.transport(), source.remote(), caller.sentBy());
      }
    }
    return new Call(
        tx,
        request,
        domain.toLowerCase(Locale.ROOT),
        forwarding,
        callerSide,
        callerNumber,
        fromDevice);
  }

  /**
   * A request from a carrier: to one of the domain's numbers, which rings its extension. Carriers
   * are known by address (the trunk's host and, over UDP, port), not by password; any other number
   * is 404.
   */
  private void inbound(ServerTransaction tx, SipRequest request, RoutingTable.Route carrier) {
    Trunk trunk = carrier.trunk();
    if (!request.isMethod(Method.INVITE) && !request.isMethod(Method.MESSAGE)) {
      respond(
          tx,
          SipResponse.forRequest(request, StatusCode.FORBIDDEN)
              .reason("Forbidden (a trunk may send calls and messages)"));
      return;
    }
    // the number is in the Request-URI; a carrier we register to may put our account there and the
    // number in To
    String dialled =
        request.requestUri() instanceof SipUri u && u.user() != null ? u.userUnescaped() : null;
    PhoneNumber number = numberOf(dialled, trunk);
    boolean toOurAccount = dialled == null || dialled.equals(trunk.username());
    if (number == null
        && toOurAccount
        && request.to().uri() instanceof SipUri to
        && to.user() != null) {
      number = numberOf(to.userUnescaped(), trunk);
    }
    if (number == null || !number.domain().equals(trunk.domain())) {
      log.info(
          "trunk {} of {} called {}, which is no number of that domain",
          trunk.name(),
          trunk.domain(),
          dialled);
      respond(
          tx,
          SipResponse.forRequest(request, StatusCode.NOT_FOUND)
              .reason("Not Found (no such number)"));
      return;
    }
    inbound.increment();
    Call call = newCall(tx, request, trunk.domain(), null, false);
    toUser(call, number.extension(), 0);
  }

  private @Nullable PhoneNumber numberOf(@Nullable String dialled, Trunk trunk) {
    String e164 = dialled == null ? null : inboundNumber(dialled, trunk);
    return e164 == null ? null : routing.number(e164);
  }

  /**
   * The E.164 form of a number a carrier calls: with its plus, without it (the trunk's format), or
   * as the dial plan reads it.
   */
  private @Nullable String inboundNumber(String dialled, Trunk trunk) {
    String digits = dialled.replaceAll("[ .()\\-]", "");
    if (trunk.numberFormat() == Trunk.NumberFormat.DIGITS && digits.matches("[1-9][0-9]{6,14}")) {
      return "+" + digits;
    }
    return DialPlan.toE164(digits, routing.plan(trunk.domain()));
  }

  /**
   * 16.5: {@code user} of the call's domain is a line (its auth user) or an extension, whose
   * devices all ring; a number that is neither goes out through the domain's trunks.
   */
  private void toUser(Call call, String user, int depth) {
    extensions
        .authUsers(call.domain(), user)
        .whenComplete(
            (lines, failure) -> {
              if (failure != null) {
                log.error(
                    "cannot read the lines of extension {}@{}; routing to the line of that name only: {}",
                    user,
                    call.domain(),
                    failure.toString());
              }
              try {
                List<String> l = failure == null ? lines : List.of();
                if (call.forwarding().isCancelled()) {
                  return; // the caller gave up while the lines were read
                }
                boolean local =
                    !l.isEmpty()
                        || !location.lookup(SipUri.of(user, call.domain()).aorKey()).isEmpty();
                if (!local
                    && call.request().isMethod(Method.INVITE)
                    && ForwardRule.isNumber(user)
                    && DialPlan.toE164(user, routing.plan(call.domain())) != null) {
                  toNumber(call, user, depth);
                } else {
                  ring(call, user, l, depth);
                }
              } catch (RuntimeException e) {
                log.error("{} to {} failed", call.request().method(), user, e);
                respond(
                    call.tx(),
                    SipResponse.forRequest(call.request(), StatusCode.SERVER_INTERNAL_ERROR));
              }
            });
  }

  /**
   * Rings every registered device of an extension (or the line of that name) at once, with its
   * forwarding rules: always (nothing rings), when not registered, when busy, when not answered
   * within N seconds.
   */
  private void ring(Call call, String user, List<String> lines, int depth) {
    Map<ForwardRule.Kind, ForwardRule> rules =
        lines.isEmpty() ? Map.of() : routing.rules(call.domain(), user);
    ForwardRule always = rules.get(ForwardRule.Kind.ALWAYS);
    if (always != null) {
      forwardTo(call, always, depth);
      return;
    }
    Set<String> aors = new LinkedHashSet<>();
    aors.add(SipUri.of(user, call.domain()).aorKey());
    for (String line : lines) {
      aors.add(SipUri.of(line, call.domain()).aorKey());
    }
    // devices registered on other nodes of a cluster are read from the shared store, on a store
    // thread
    cluster
        .elsewhere(aors)
        .whenComplete(
            (remote, failure) -> {
              if (failure != null) {
                log.error(
                    "cannot read the registrations of other nodes; ringing this node's devices only: {}",
                    failure.toString());
              }
              try {
                ringAll(call, aors, rules, failure == null ? remote : List.of(), depth);
              } catch (RuntimeException e) {
                log.error("{} to {} failed", call.request().method(), user, e);
                respond(
                    call.tx(),
                    SipResponse.forRequest(call.request(), StatusCode.SERVER_INTERNAL_ERROR));
              }
            });
  }

  /**
   * One device to ring: its request, where it goes, and its q-value (RFC 3261 16.6: higher first);
   * a contact registered without one counts as 1.0, as phones leave it out when they want no
   * preference.
   */
  private record Target(int qMillis, SipRequest request, Destination destination) {
    Target {
      qMillis = qMillis < 0 ? 1000 : qMillis;
    }
  }

  private void ringAll(
      Call call,
      Set<String> aors,
      Map<ForwardRule.Kind, ForwardRule> rules,
      List<StoredBinding> remote,
      int depth) {
    List<Binding> bindings = new ArrayList<>();
    for (String aor : aors) {
      bindings.addAll(location.lookup(aor));
    }
    List<Target> targets = new ArrayList<>();
    Set<String> contacts = new java.util.HashSet<>();
    for (Binding b : bindings) {
      contacts.add(b.contact());
      BindingReach reach = BindingReach.of(b, listenAddress);
      Destination to = reach.destination();
      if (to != null) {
        try {
          targets.add(new Target(b.qMillis(), copyFor(call, b, reach), to));
        } catch (SipParseException e) {
          log.debug("contact {} cannot be a Request-URI: {}", b.contact(), e.reason());
        }
      }
    }
    for (StoredBinding b : remote) {
      if (contacts.add(b.contact())) {
        Target t = elsewhere(call, b);
        if (t != null) {
          targets.add(t);
        }
      }
    }
    ForwardRule noAnswer = rules.get(ForwardRule.Kind.NO_ANSWER);
    if (targets.isEmpty()) {
      ForwardRule unregistered = rules.getOrDefault(ForwardRule.Kind.UNREGISTERED, noAnswer);
      if (unregistered != null) {
        forwardTo(call, unregistered, depth);
      } else {
        unavailable.increment();
        respond(
            call.tx(), SipResponse.forRequest(call.request(), StatusCode.TEMPORARILY_UNAVAILABLE));
      }
      return;
    }
    forwarded.increment();
    // 16.6: devices with the same q-value ring together, the groups one after another, highest q
    // first
    java.util.TreeMap<Integer, List<Target>> byQ =
        new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
    for (Target t : targets) {
      byQ.computeIfAbsent(t.qMillis(), q -> new ArrayList<>()).add(t);
    }
    ringGroup(call, List.copyOf(byQ.values()), 0, rules, depth);
  }

  /**
   * Rings group {@code index}; when it ends without an answer the next group rings (a 6xx ends the
   * search, RFC 3261 16.7 step 6), and after the last the extension's busy or no-answer rule
   * applies.
   */
  private void ringGroup(
      Call call,
      List<List<Target>> groups,
      int index,
      Map<ForwardRule.Kind, ForwardRule> rules,
      int depth) {
    for (Target t : groups.get(index)) {
      call.forwarding().add(t.request(), t.destination());
    }
    ForwardRule busy = rules.get(ForwardRule.Kind.BUSY);
    ForwardRule noAnswer = rules.get(ForwardRule.Kind.NO_ANSWER);
    boolean more = index + 1 < groups.size();
    if (more || busy != null || noAnswer != null) {
      call.forwarding()
          .fallback(
              (status, redirected) -> {
                if (more && !redirected && status < 600) {
                  ringGroup(call, groups, index + 1, rules, depth);
                  return true;
                }
                if (busy != null && (status == StatusCode.BUSY_HERE || status == 600)) {
                  forwardTo(call, busy, depth);
                  return true;
                }
                if (noAnswer != null
                    && (redirected
                        || status == StatusCode.REQUEST_TIMEOUT
                        || status == StatusCode.TEMPORARILY_UNAVAILABLE)) {
                  forwardTo(call, noAnswer, depth);
                  return true;
                }
                return false;
              });
    }
    if (noAnswer != null && noAnswer.afterSeconds() != null) {
      call.forwarding().redirectAfter(noAnswer.afterSeconds() * 1000L);
    }
    call.forwarding().start();
  }

  /**
   * A device registered on another node: through that node while it is alive (it holds the device's
   * connection or NAT mapping; a Route with the device's flow token tells it where the device is),
   * or, for a UDP device of a node that is down, directly from here.
   */
  private @Nullable Target elsewhere(Call call, StoredBinding b) {
    TransportType transport;
    InetSocketAddress device;
    try {
      transport = TransportType.valueOf(b.transport().toUpperCase(Locale.ROOT));
      device =
          new InetSocketAddress(
              InetAddress.getByName(b.sourceIp()), b.sourcePort()); // an IP literal: no lookup
    } catch (IllegalArgumentException | UnknownHostException e) {
      return null;
    }
    InetSocketAddress node = cluster.aliveAddress(b.node());
    Destination to;
    String route;
    TransportType via;
    if (node != null) {
      to = Destination.of(TransportType.UDP, node);
      via = TransportType.UDP;
      route =
          "<sip:" + tokens.encode(transport, device) + "@" + BindingReach.hostPort(node) + ";lr>";
    } else if (transport == TransportType.UDP) {
      to = Destination.of(TransportType.UDP, device);
      via = TransportType.UDP;
      route = b.path();
    } else {
      log.debug(
          "{} is reachable only over its {} connection to node {}, which is down",
          b.contact(),
          b.transport(),
          b.node());
      return null;
    }
    BindingReach reach = BindingReach.of(to, listenAddress);
    if (reach.destination() == null) {
      return null;
    }
    try {
      return new Target(
          b.qMillis(), nextHop(call, Uri.parse(b.contact()), reach, via, route).build(), to);
    } catch (SipParseException e) {
      log.debug("contact {} cannot be a Request-URI: {}", b.contact(), e.reason());
      return null;
    }
  }

  /**
   * A request another node of the cluster sends for one of this node's devices: its Route names
   * this node with the device's flow token. Forwarded there, record-routed, without authentication
   * (the other node authenticated the caller; only cluster nodes can make tokens).
   */
  private void relayFromNode(ServerTransaction tx, SipRequest request, Hop hop) {
    BindingReach reach = BindingReach.of(hop.destination(), listenAddress);
    Destination to = reach.destination();
    if (to == null) {
      respond(tx, SipResponse.forRequest(request, StatusCode.TEMPORARILY_UNAVAILABLE));
      return;
    }
    if (request.isMethod(Method.INVITE)) {
      tx.respond(SipResponse.forRequest(request, StatusCode.TRYING).build());
    }
    relayed.increment();
    Forwarding forwarding = new Forwarding(tx, transactions, timerC, b -> respond(tx, b));
    tx.attach(forwarding);
    SipRequest.Builder r = nextHopBuilder(request, hop, reach);
    Source source = tx.source();
    BindingReach back =
        BindingReach.of(
            new Destination(source.transport(), source.remote(), source.flow()), listenAddress);
    if (DIALOG_CREATING.contains(request.method()) && back.sentBy() != null) {
      r.prepend(
              HeaderName.RECORD_ROUTE,
              recordRoute(source.transport(), source.remote(), back.sentBy()))
          .prepend(
              HeaderName.RECORD_ROUTE, recordRoute(to.transport(), to.address(), reach.sentBy()));
    }
    forwarding.add(r.build(), to);
    forwarding.start();
  }

  /**
   * Whether a Route or Record-Route URI names this node: the port of one of its sockets, on one of
   * its addresses.
   */
  private boolean isOwn(SipUri uri) {
    TransportType t = transportOf(uri);
    InetSocketAddress listen = listenAddress.of(t);
    if (listen == null || (uri.port() > 0 ? uri.port() : t.defaultPort()) != listen.getPort()) {
      return false;
    }
    String host = unbracketed(uri.host());
    if (!listen.getAddress().isAnyLocalAddress()) {
      return listen.getAddress().getHostAddress().equals(host)
          || listen.getAddress().equals(literal(host));
    }
    return localHosts.computeIfAbsent(
        host,
        h -> {
          InetAddress a = literal(h);
          try {
            return a != null
                && (a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null);
          } catch (java.net.SocketException e) {
            return false;
          }
        });
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

  /** A forwarding rule applies: the call goes on to its target, an extension or a number. */
  private void forwardTo(Call call, ForwardRule rule, int depth) {
    if (depth + 1 >= MAX_FORWARDS_OF_A_CALL) {
      log.warn(
          "{}@{}: forwarding goes round in circles ({} -> {}); the call ends here",
          rule.extension(),
          rule.domain(),
          rule.kind().lowerName(),
          rule.target());
      respond(
          call.tx(),
          SipResponse.forRequest(call.request(), StatusCode.LOOP_DETECTED)
              .reason("Loop Detected (forwarding)"));
      return;
    }
    log.debug(
        "{}@{}: forwarded ({}) to {}",
        rule.extension(),
        rule.domain(),
        rule.kind().lowerName(),
        rule.target());
    forwardedByRule.increment();
    toUser(
        call,
        rule.target(),
        depth + 1); // an extension of that name if there is one, else a number to dial
  }

  /**
   * A number outside the domain: the domain's own numbers ring their extension, others go out
   * through its trunks.
   */
  private void toNumber(Call call, String dialled, int depth) {
    String e164 = DialPlan.toE164(dialled, routing.plan(call.domain()));
    if (e164 == null) {
      respond(
          call.tx(),
          SipResponse.forRequest(call.request(), StatusCode.NOT_FOUND)
              .reason("Not Found (not a number this domain can dial)"));
      return;
    }
    PhoneNumber own = routing.number(e164);
    if (own != null && own.domain().equals(call.domain())) {
      toUser(call, own.extension(), depth + 1);
      return;
    }
    List<RoutingTable.Route> trunks =
        routing.trunks(call.domain()).stream().filter(t -> t.address() != null).toList();
    if (trunks.isEmpty()) {
      respond(
          call.tx(),
          SipResponse.forRequest(call.request(), StatusCode.NOT_FOUND)
              .reason("Not Found (no trunk for numbers outside " + call.domain() + ")"));
      return;
    }
    outbound.increment();
    tryTrunk(call, trunks, 0, e164);
  }

  /**
   * Sends the call to trunk {@code i}; after a 408 or 5xx (or no answer at all) the next trunk gets
   * it.
   */
  private void tryTrunk(Call call, List<RoutingTable.Route> trunks, int i, String e164) {
    RoutingTable.Route route = trunks.get(i);
    Trunk t = route.trunk();
    TransportType transport = "tcp".equals(t.transport()) ? TransportType.TCP : TransportType.UDP;
    Destination to = Destination.of(transport, route.address());
    BindingReach reach = BindingReach.of(to, listenAddress);
    if (reach.destination() == null) {
      log.warn("trunk {} of {}: {}", t.name(), t.domain(), reach.unreachable());
      if (i + 1 < trunks.size()) {
        tryTrunk(call, trunks, i + 1, e164);
      } else {
        respond(call.tx(), SipResponse.forRequest(call.request(), StatusCode.SERVICE_UNAVAILABLE));
      }
      return;
    }
    String number = t.numberFormat() == Trunk.NumberFormat.DIGITS ? e164.substring(1) : e164;
    String host = route.address().getAddress().getHostAddress();
    SipUri uri =
        SipUri.parse(
            "sip:"
                + number
                + "@"
                + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + ":"
                + route.address().getPort()
                + (transport == TransportType.TCP ? ";transport=tcp" : "")
                + ";user=phone");
    SipRequest.Builder r = nextHop(call, uri, reach, transport, null);
    if (call.callerNumber() != null) {
      // RFC 3325: the caller's number, as evertone vouches for it to the carrier
      r.set(
          P_ASSERTED_IDENTITY,
          "<sip:" + call.callerNumber() + "@" + call.domain() + ";user=phone>");
    }
    Forwarding.Credentials credentials = null;
    if (t.username() != null && route.secret() != null) {
      String user = t.username();
      String secret = route.secret();
      credentials =
          (request, challenge) -> {
            DigestClient.Answer a =
                DigestClient.answer(
                    challenge, request.method(), request.requestUri().toString(), user, secret);
            if (a == null) {
              return null;
            }
            return request.toBuilder()
                .mapFirst(
                    HeaderName.VIA,
                    v ->
                        v.replaceFirst(";branch=[^;,]*", ";branch=" + TransactionLayer.newBranch()))
                .remove(a.header())
                .add(a.header(), a.value())
                .build();
          };
    }
    call.forwarding().add(r.build(), to, credentials);
    call.forwarding()
        .fallback(
            (status, redirected) -> {
              boolean carrierFailed =
                  status == StatusCode.REQUEST_TIMEOUT || (status >= 500 && status < 600);
              if (carrierFailed && i + 1 < trunks.size()) {
                log.info(
                    "trunk {} of {} answered {}; trying trunk {}",
                    t.name(),
                    t.domain(),
                    status,
                    trunks.get(i + 1).trunk().name());
                failovers.increment();
                tryTrunk(call, trunks, i + 1, e164);
                return true;
              }
              return false;
            });
    call.forwarding().start();
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
   * 16.6: the request for one target: {@code uri} as Request-URI, one hop less, our Via on top,
   * {@code route} (a binding's Path) as its route, for a request that creates a dialog our two
   * Record-Route entries (the target's side on top); credentials meant for this proxy and
   * identities a device asserts removed.
   */
  private SipRequest.Builder nextHop(
      Call call, Uri uri, BindingReach reach, TransportType transport, @Nullable String route) {
    SipRequest request = call.request();
    Destination to = reach.destination();
    SipRequest.Builder r =
        request.toBuilder()
            .requestUri(uri)
            .set(
                HeaderName.MAX_FORWARDS,
                Integer.toString(request.maxForwards() < 0 ? 69 : request.maxForwards() - 1))
            .prepend(HeaderName.VIA, reach.via(transport, TransactionLayer.newBranch()))
            // RFC 3261 22.3: the credentials were for this proxy, not for the device
            .remove(HeaderName.PROXY_AUTHORIZATION)
            // 16.4: the sender's route set names this proxy (its outbound proxy); evertone delivers
            // to the target
            // itself and follows no other route a sender writes, so that it relays nothing
            // elsewhere
            .remove(HeaderName.ROUTE);
    if (call.fromDevice()) {
      // RFC 3325: only evertone asserts identities; a device's claim is not passed on
      r.remove(P_ASSERTED_IDENTITY).remove("P-Preferred-Identity");
    }
    if (route != null) {
      r.prepend(HeaderName.ROUTE, route); // RFC 3327 5.3
    }
    if (call.callerSide() != null && to != null) {
      r.prepend(HeaderName.RECORD_ROUTE, call.callerSide())
          .prepend(
              HeaderName.RECORD_ROUTE, recordRoute(to.transport(), to.address(), reach.sentBy()));
    }
    return r;
  }

  /**
   * The request for a device's binding: its contact as Request-URI, over the flow it registered on.
   */
  private SipRequest copyFor(Call call, Binding b, BindingReach reach) {
    return nextHop(call, Uri.parse(b.contact()), reach, b.transport(), b.path()).build();
  }

  private void respond(ServerTransaction tx, SipResponse.Builder b) {
    b.withToTag(TransactionLayer.newTag());
    b.add(HeaderName.SERVER, serverHeader);
    tx.respond(b.build());
  }
}
