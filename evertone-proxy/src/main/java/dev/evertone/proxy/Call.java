package dev.evertone.proxy;

import dev.evertone.registrar.BindingReach;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.Uri;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One request outside a dialog on its way to its targets (RFC 3261 16.5, 16.6) - a call, or a
 * MESSAGE, SUBSCRIBE, REFER or OPTIONS to a user: the caller's transaction, the domain whose users
 * and trunks it may reach, its response context, and who the caller is to carriers. It makes the
 * request each target gets.
 */
final class Call {
  /** RFC 3325: the identity evertone vouches for to a carrier. */
  static final String P_ASSERTED_IDENTITY = "P-Asserted-Identity";

  private final ProxyStack stack;
  private final DialogRoutes routes;
  private final ServerTransaction tx;
  private final String domain;
  private final ResponseContext responses;
  // this proxy's Record-Route entry on the caller's side (a request that creates a dialog)
  private final @Nullable String callerSide;
  private final @Nullable String callerNumber;
  private final boolean fromDevice;

  private Call(
      ProxyStack stack,
      DialogRoutes routes,
      ServerTransaction tx,
      String domain,
      @Nullable String callerNumber,
      boolean fromDevice) {
    this.stack = stack;
    this.routes = routes;
    this.tx = tx;
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.callerNumber = callerNumber;
    this.fromDevice = fromDevice;
    ProxyStack.trying(tx);
    this.responses = stack.responseContext(tx);
    stack.records().started(tx.request(), this.domain);
    // the Record-Route entry on the caller's side names the flow the request came over
    this.callerSide =
        DialogRoutes.createsDialog(tx.request()) ? routes.sendersSide(tx.source()) : null;
  }

  /** A call from a device of {@code domain}, whose number carriers see is {@code callerNumber}. */
  static Call fromDevice(
      ProxyStack stack,
      DialogRoutes routes,
      ServerTransaction tx,
      String domain,
      @Nullable String callerNumber) {
    return new Call(stack, routes, tx, domain, callerNumber, true);
  }

  /** A call from a carrier to a number of {@code domain}. */
  static Call fromCarrier(
      ProxyStack stack, DialogRoutes routes, ServerTransaction tx, String domain) {
    return new Call(stack, routes, tx, domain, null, false);
  }

  SipRequest request() {
    return tx.request();
  }

  /** The domain whose users and trunks the call reaches, lower case. */
  String domain() {
    return domain;
  }

  /** The branches, their responses, and the stages that follow (16.7). */
  ResponseContext responses() {
    return responses;
  }

  /** The caller's number as carriers see it, or null (a device with no number, a carrier). */
  @Nullable String callerNumber() {
    return callerNumber;
  }

  /** Answers the caller with a response this proxy makes itself. */
  void respond(SipResponse.Builder response) {
    stack.respond(tx, response);
  }

  /** Answers the caller with {@code status} and the reason phrase {@code reason}. */
  void respond(int status, String reason) {
    stack.respond(tx, SipResponse.forRequest(tx.request(), status).reason(reason));
  }

  /** Answers the caller with {@code status} and its standard reason phrase. */
  void respond(int status) {
    stack.respond(tx, status);
  }

  /**
   * 16.6: the request for one target: {@code uri} as Request-URI, one hop less, our Via on top,
   * {@code route} (a binding's Path, RFC 3327 5.3) as its route, for a request that creates a
   * dialog our two Record-Route entries (the target's side on top); credentials meant for this
   * proxy and identities a device asserts removed.
   */
  SipRequest.Builder requestTo(
      Uri uri, BindingReach.Reachable reach, TransportType transport, @Nullable String route) {
    SipRequest request = tx.request();
    SipRequest.Builder r =
        request.toBuilder()
            .requestUri(uri)
            .set(HeaderName.MAX_FORWARDS, EntryChecks.maxForwardsLeft(request))
            .prepend(HeaderName.VIA, reach.via(transport, TransactionLayer.newBranch()))
            // RFC 3261 22.3: the credentials were for this proxy, not for the device
            .remove(HeaderName.PROXY_AUTHORIZATION)
            // 16.4: the sender's route set names this proxy (its outbound proxy); evertone delivers
            // to the target itself and follows no other route a sender writes, so that it relays
            // nothing elsewhere
            .remove(HeaderName.ROUTE);
    if (fromDevice) {
      // RFC 3325: only evertone asserts identities; a device's claim is not passed on
      r.remove(P_ASSERTED_IDENTITY).remove("P-Preferred-Identity");
    }
    if (route != null) {
      r.prepend(HeaderName.ROUTE, route);
    }
    if (callerSide != null) {
      r.prepend(HeaderName.RECORD_ROUTE, callerSide)
          .prepend(HeaderName.RECORD_ROUTE, routes.targetsSide(reach));
    }
    return r;
  }
}
