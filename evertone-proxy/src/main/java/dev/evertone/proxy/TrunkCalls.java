package dev.evertone.proxy;

import dev.evertone.registrar.BindingReach;
import dev.evertone.sip.auth.DigestClient;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.store.calls.CallRecord;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.PhoneNumber;
import dev.evertone.store.routing.Trunk;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to and from the outside world through a domain's trunks: a number the domain's dial plan
 * reads goes out through its trunks in their order, the next trunk taking the call when a carrier
 * fails (408, 5xx, no answer), with evertone's account answering the carrier's challenge; a call
 * from a carrier to one of the domain's numbers rings its extension.
 */
final class TrunkCalls {
  private static final Logger log = LoggerFactory.getLogger(TrunkCalls.class);

  private final CallRouter router;
  private final RoutingTable routing;
  private final ProxyStack stack;
  private final DialogRoutes routes;
  private final ProxyCounters counters;

  TrunkCalls(
      CallRouter router,
      RoutingTable routing,
      ProxyStack stack,
      DialogRoutes routes,
      ProxyCounters counters) {
    this.router = router;
    this.routing = routing;
    this.stack = stack;
    this.routes = routes;
    this.counters = counters;
  }

  /** A trunk whose carrier's address is known: where calls through it go. */
  private record Carrier(Trunk trunk, InetSocketAddress address, @Nullable String secret) {}

  /**
   * A request from a carrier: to one of the domain's numbers, which rings its extension. Carriers
   * are known by address (the trunk's host and, over UDP, port), not by password; any other number
   * is 404.
   */
  void fromCarrier(ServerTransaction tx, RoutingTable.Route carrier) {
    SipRequest request = tx.request();
    Trunk trunk = carrier.trunk();
    if (!request.isMethod(Method.INVITE) && !request.isMethod(Method.MESSAGE)) {
      stack.respond(
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
      stack.respond(
          tx,
          SipResponse.forRequest(request, StatusCode.NOT_FOUND)
              .reason("Not Found (no such number)"));
      return;
    }
    counters.fromTrunk.increment();
    Call call = Call.fromCarrier(stack, routes, tx, trunk.domain());
    stack.records().trunk(request.callId(), trunk.name(), CallRecord.Direction.INBOUND);
    router.toUser(call, number.extension(), 0);
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
   * A number outside the domain: the domain's own numbers ring their extension, others go out
   * through its trunks.
   */
  void toNumber(Call call, String dialled, int depth) {
    String e164 = DialPlan.toE164(dialled, routing.plan(call.domain()));
    if (e164 == null) {
      call.respond(StatusCode.NOT_FOUND, "Not Found (not a number this domain can dial)");
      return;
    }
    PhoneNumber own = routing.number(e164);
    if (own != null && own.domain().equals(call.domain())) {
      router.toUser(call, own.extension(), depth + 1);
      return;
    }
    List<Carrier> carriers = new ArrayList<>();
    for (RoutingTable.Route route : routing.trunks(call.domain())) {
      InetSocketAddress address = route.address();
      if (address != null) {
        carriers.add(new Carrier(route.trunk(), address, route.secret()));
      }
    }
    if (carriers.isEmpty()) {
      call.respond(
          StatusCode.NOT_FOUND, "Not Found (no trunk for numbers outside " + call.domain() + ")");
      return;
    }
    counters.toTrunk.increment();
    tryTrunk(call, carriers, 0, e164);
  }

  /**
   * Sends the call to trunk {@code i}; after a 408 or 5xx (or no answer at all) the next trunk gets
   * it.
   */
  private void tryTrunk(Call call, List<Carrier> carriers, int i, String e164) {
    Carrier carrier = carriers.get(i);
    Trunk t = carrier.trunk();
    TransportType transport = "tcp".equals(t.transport()) ? TransportType.TCP : TransportType.UDP;
    Destination to = Destination.of(transport, carrier.address());
    BindingReach found = stack.reach(to);
    if (!(found instanceof BindingReach.Reachable reach)) {
      log.warn(
          "trunk {} of {}: {}", t.name(), t.domain(), ((BindingReach.Unreachable) found).why());
      if (i + 1 < carriers.size()) {
        tryTrunk(call, carriers, i + 1, e164);
      } else {
        call.respond(StatusCode.SERVICE_UNAVAILABLE);
      }
      return;
    }
    String number = t.numberFormat() == Trunk.NumberFormat.DIGITS ? e164.substring(1) : e164;
    SipUri uri =
        SipUri.parse(
            "sip:"
                + number
                + "@"
                + BindingReach.hostPort(carrier.address())
                + (transport == TransportType.TCP ? ";transport=tcp" : "")
                + ";user=phone");
    SipRequest.Builder r = call.requestTo(uri, reach, transport, null);
    if (call.callerNumber() != null) {
      // RFC 3325: the caller's number, as evertone vouches for it to the carrier
      r.set(
          Call.P_ASSERTED_IDENTITY,
          "<sip:" + call.callerNumber() + "@" + call.domain() + ";user=phone>");
    }
    stack.records().trunk(call.request().callId(), t.name(), CallRecord.Direction.OUTBOUND);
    call.responses().add(r.build(), to, credentials(carrier));
    call.responses()
        .fallback(
            (status, redirected) -> {
              boolean carrierFailed =
                  status == StatusCode.REQUEST_TIMEOUT || (status >= 500 && status < 600);
              if (carrierFailed && i + 1 < carriers.size()) {
                log.info(
                    "trunk {} of {} answered {}; trying trunk {}",
                    t.name(),
                    t.domain(),
                    status,
                    carriers.get(i + 1).trunk().name());
                counters.trunkFailovers.increment();
                tryTrunk(call, carriers, i + 1, e164);
                return true;
              }
              return false;
            });
    call.responses().start();
  }

  /**
   * evertone's account at the carrier, which answers its digest challenge (RFC 3261 22.2) in a new
   * transaction; null when the trunk has none.
   */
  private static ResponseContext.@Nullable Credentials credentials(Carrier carrier) {
    String user = carrier.trunk().username();
    String secret = carrier.secret();
    if (user == null || secret == null) {
      return null;
    }
    return (request, challenge) -> {
      DigestClient.Answer a =
          DigestClient.answer(
              challenge, request.method(), request.requestUri().toString(), user, secret);
      if (a == null) {
        return null;
      }
      return request.toBuilder()
          .mapFirst(
              HeaderName.VIA,
              v -> v.replaceFirst(";branch=[^;,]*", ";branch=" + TransactionLayer.newBranch()))
          .remove(a.header())
          .add(a.header(), a.value())
          .build();
    };
  }
}
