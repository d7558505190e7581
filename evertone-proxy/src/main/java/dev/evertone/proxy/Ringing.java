package dev.evertone.proxy;

import dev.evertone.registrar.Binding;
import dev.evertone.registrar.BindingReach;
import dev.evertone.registrar.LocationService;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import dev.evertone.store.registration.StoredBinding;
import dev.evertone.store.routing.ForwardRule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rings a line or an extension (RFC 3261 16.6): every binding of its lines, on this node and on the
 * other nodes of the cluster, each over the flow it registered on; devices with the same q-value
 * together, the groups one after another, highest q first; with the extension's forwarding rules
 * when none can be reached or none answers.
 */
final class Ringing {
  private static final Logger log = LoggerFactory.getLogger(Ringing.class);

  private final LocationService location;
  private final Cluster cluster;
  private final RoutingTable routing;
  private final DialogRoutes routes;
  private final ProxyStack stack;
  private final ForwardingRules forwarding;
  private final ProxyCounters counters;

  Ringing(
      ProxyServices services,
      ProxyStack stack,
      DialogRoutes routes,
      ForwardingRules forwarding,
      ProxyCounters counters) {
    this.location = services.location();
    this.cluster = services.cluster();
    this.routing = services.routing();
    this.routes = routes;
    this.stack = stack;
    this.forwarding = forwarding;
    this.counters = counters;
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

  /**
   * Rings every registered device of {@code user} (a line, or an extension whose devices have
   * {@code lines}) at once, with the extension's forwarding rules: always (nothing rings), when not
   * registered, when busy, when not answered within N seconds.
   */
  void ring(Call call, String user, List<String> lines, int depth) {
    // a line has no forwarding rules of its own: those are the extension's
    Map<ForwardRule.Kind, ForwardRule> rules =
        lines.isEmpty() ? Map.of() : routing.rules(call.domain(), user);
    if (forwarding.always(call, rules, depth)) {
      return;
    }
    Set<String> aors = new LinkedHashSet<>();
    aors.add(SipUri.of(user, call.domain()).aorKey());
    for (String line : lines) {
      aors.add(SipUri.of(line, call.domain()).aorKey());
    }
    // devices registered on other nodes of a cluster are read from the shared store, on a store
    // thread; the action answers the caller whatever happens, so its own future tells nothing more
    CompletableFuture<?> unused =
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
                    call.respond(StatusCode.SERVER_INTERNAL_ERROR);
                  }
                });
  }

  private void ringAll(
      Call call,
      Set<String> aors,
      Map<ForwardRule.Kind, ForwardRule> rules,
      List<StoredBinding> remote,
      int depth) {
    List<Target> targets = new ArrayList<>();
    Set<String> contacts = new HashSet<>();
    for (String aor : aors) {
      for (Binding b : location.lookup(aor)) {
        contacts.add(b.contact());
        Target t = here(call, b);
        if (t != null) {
          targets.add(t);
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
    if (targets.isEmpty()) {
      if (!forwarding.unreachable(call, rules, depth)) {
        counters.unavailable.increment();
        call.respond(StatusCode.TEMPORARILY_UNAVAILABLE);
      }
      return;
    }
    counters.forwarded.increment();
    // 16.6: devices with the same q-value ring together, the groups one after another, highest q
    // first
    TreeMap<Integer, List<Target>> byQ = new TreeMap<>(Comparator.reverseOrder());
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
      call.responses().add(t.request(), t.destination());
    }
    boolean more = index + 1 < groups.size();
    if (more || ForwardingRules.afterRingingApplies(rules)) {
      call.responses()
          .fallback(
              (status, redirected) -> {
                if (more && !redirected && status < 600) {
                  ringGroup(call, groups, index + 1, rules, depth);
                  return true;
                }
                return forwarding.afterRinging(call, rules, status, redirected, depth);
              });
    }
    forwarding.limitRinging(call, rules);
    call.responses().start();
  }

  /** A device registered on this node, over the flow it registered on; null if unreachable. */
  private @Nullable Target here(Call call, Binding b) {
    if (!(BindingReach.of(b, stack.sockets()) instanceof BindingReach.Reachable reach)) {
      return null;
    }
    try {
      SipRequest request =
          call.requestTo(Uri.parse(b.contact()), reach, b.transport(), b.path()).build();
      return new Target(b.qMillis(), request, reach.destination());
    } catch (SipParseException e) {
      log.debug("contact {} cannot be a Request-URI: {}", b.contact(), e.reason());
      return null;
    }
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
      // an IP literal: no lookup
      device = new InetSocketAddress(InetAddress.getByName(b.sourceIp()), b.sourcePort());
    } catch (IllegalArgumentException | UnknownHostException e) {
      return null;
    }
    InetSocketAddress node = cluster.aliveAddress(b.node());
    Destination to;
    String route;
    if (node != null) {
      to = Destination.of(TransportType.UDP, node);
      route = routes.throughNode(transport, device, node);
    } else if (transport == TransportType.UDP) {
      to = Destination.of(TransportType.UDP, device);
      route = b.path();
    } else {
      log.debug(
          "{} is reachable only over its {} connection to node {}, which is down",
          b.contact(),
          b.transport(),
          b.node());
      return null;
    }
    if (!(stack.reach(to) instanceof BindingReach.Reachable reach)) {
      return null;
    }
    try {
      SipRequest request =
          call.requestTo(Uri.parse(b.contact()), reach, TransportType.UDP, route).build();
      return new Target(b.qMillis(), request, to);
    } catch (SipParseException e) {
      log.debug("contact {} cannot be a Request-URI: {}", b.contact(), e.reason());
      return null;
    }
  }
}
