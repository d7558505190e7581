package dev.evertone.proxy;

import dev.evertone.registrar.LocationService;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.ForwardRule;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a request outside a dialog goes (RFC 3261 16.5): a user of its domain is a line (its auth
 * user) or an extension, whose devices ring ({@link Ringing}); a number that is neither goes out
 * through the domain's trunks ({@link TrunkCalls}); a forwarding rule sends a call on to another
 * user ({@link ForwardingRules}).
 */
final class CallRouter {
  private static final Logger log = LoggerFactory.getLogger(CallRouter.class);

  private final ProxyStack stack;
  private final DialogRoutes routes;
  private final LocationService location;
  private final ExtensionDirectory extensions;
  private final RoutingTable routing;
  private final Ringing ringing;
  private final TrunkCalls trunks;
  private final UserAgent agent;

  CallRouter(
      ProxyServices services,
      ProxyStack stack,
      DialogRoutes routes,
      ProxyCounters counters,
      UserAgent agent) {
    this.agent = agent;
    this.stack = stack;
    this.routes = routes;
    this.location = services.location();
    this.extensions = services.extensions();
    this.routing = services.routing();
    this.ringing =
        new Ringing(services, stack, routes, new ForwardingRules(this, counters), counters);
    this.trunks = new TrunkCalls(this, routing, stack, routes, counters);
  }

  /** The trunk calls: from carriers, and out to numbers. */
  TrunkCalls trunks() {
    return trunks;
  }

  /**
   * A request from an authenticated device of {@code realm}, sent as its own account {@code
   * caller}: a domain's devices reach the users of the same domain, and the outside world through
   * its trunks.
   */
  void fromDevice(ServerTransaction tx, String caller, String realm) {
    SipRequest request = tx.request();
    String target =
        request.requestUri() instanceof SipUri uri && uri.host().equalsIgnoreCase(realm)
            ? uri.userUnescaped()
            : null;
    if (target == null) {
      stack.respond(
          tx,
          SipResponse.forRequest(request, StatusCode.FORBIDDEN)
              .reason("Forbidden (only users of " + realm + " can be reached)"));
      return;
    }
    if (agent.offer(tx, realm, target)) {
      return; // a number evertone answers itself (a conference room)
    }
    Call call = Call.fromDevice(stack, routes, tx, realm, routing.numberOf(realm, caller));
    toUser(call, target, 0);
  }

  /**
   * 16.5: {@code user} of the call's domain is a line (its auth user) or an extension, whose
   * devices all ring; a number that is neither goes out through the domain's trunks.
   *
   * @param depth how many times the call has been forwarded so far
   */
  void toUser(Call call, String user, int depth) {
    // the lines are read on a store thread; the action answers the caller whatever happens, so its
    // own future tells nothing more
    CompletableFuture<?> unused =
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
                    route(call, user, failure == null ? lines : List.of(), depth);
                  } catch (RuntimeException e) {
                    log.error("{} to {} failed", call.request().method(), user, e);
                    call.respond(StatusCode.SERVER_INTERNAL_ERROR);
                  }
                });
  }

  private void route(Call call, String user, List<String> lines, int depth) {
    if (call.responses().isCancelled()) {
      return; // the caller gave up while the lines were read
    }
    boolean local =
        !lines.isEmpty() || !location.lookup(SipUri.of(user, call.domain()).aorKey()).isEmpty();
    if (!local
        && call.request().isMethod(Method.INVITE)
        && ForwardRule.isNumber(user)
        && DialPlan.toE164(user, routing.plan(call.domain())) != null) {
      trunks.toNumber(call, user, depth);
    } else {
      ringing.ring(call, user, lines, depth);
    }
  }
}
