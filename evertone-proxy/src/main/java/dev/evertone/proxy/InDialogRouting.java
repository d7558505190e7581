package dev.evertone.proxy;

import dev.evertone.registrar.BindingReach;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transport.Destination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests that follow this proxy's Route entries (RFC 3261 16.4, 16.6): requests inside a dialog
 * it record-routed, the ACK of a 2xx, and requests another node of the cluster relays to a device
 * registered here. Such a request needs no authentication: the dialog was authorized when it was
 * set up, the other node authenticated the caller, and a flow token cannot be forged. One that
 * follows no route of ours is refused: evertone relays nothing it did not set up.
 */
final class InDialogRouting {
  private static final Logger log = LoggerFactory.getLogger(InDialogRouting.class);

  private final ProxyStack stack;
  private final DialogRoutes routes;
  private final Cluster cluster;
  private final ProxyCounters counters;

  InDialogRouting(ProxyStack stack, DialogRoutes routes, Cluster cluster, ProxyCounters counters) {
    this.stack = stack;
    this.routes = routes;
    this.cluster = cluster;
    this.counters = counters;
  }

  /**
   * Routes a request inside a dialog: the Route entries this proxy inserted are removed, and the
   * flow token of the last one says where the other party is.
   */
  void route(ServerTransaction tx) {
    SipRequest request = tx.request();
    try {
      if (!EntryChecks.hopsLeft(stack, tx)) {
        return;
      }
      DialogRoutes.Hop hop = routes.nextHop(request);
      if (hop == null) {
        counters.notOurDialog.increment();
        stack.respond(
            tx,
            SipResponse.forRequest(request, StatusCode.NOT_FOUND)
                .reason("Not Found (not a dialog of this proxy)"));
        return;
      }
      if (!(stack.reach(hop.destination()) instanceof BindingReach.Reachable reach)) {
        stack.respond(tx, StatusCode.TEMPORARILY_UNAVAILABLE);
        return;
      }
      counters.inDialog.increment();
      ResponseContext responses = stack.responseContext(tx);
      responses.add(DialogRoutes.towards(request, hop, reach).build(), reach.destination());
      ProxyStack.trying(tx);
      responses.start();
    } catch (SipParseException e) {
      stack.respond(
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
  void ack(SipRequest ack) {
    try {
      if (ack.maxForwards() == 0) {
        return;
      }
      DialogRoutes.Hop hop = routes.nextHop(ack);
      if (hop == null) {
        counters.notOurDialog.increment();
        log.debug("ACK {} is not for a dialog of this proxy; dropped", ack.callId());
        return;
      }
      if (stack.reach(hop.destination()) instanceof BindingReach.Reachable reach) {
        stack
            .transactions()
            .sendStateless(
                stack.media().towardTarget(DialogRoutes.towards(ack, hop, reach).build(), null),
                reach.destination());
      }
    } catch (SipParseException e) {
      log.debug("ACK {} dropped: {}", ack.callId(), e.reason());
    }
  }

  /**
   * Relays a request another node of the cluster sends for one of this node's devices: its Route
   * names this node with the device's flow token. Forwarded there and record-routed, without
   * authentication (the other node authenticated the caller; only cluster nodes can make tokens).
   *
   * @return false when the request is not such a request (it is routed like any other)
   */
  boolean relayForNode(ServerTransaction tx) {
    SipRequest request = tx.request();
    if (!cluster.enabled()
        || !request.has(HeaderName.ROUTE)
        || !cluster.isNode(tx.source().remote())) {
      return false;
    }
    DialogRoutes.Hop hop = routes.nextHop(request);
    if (hop == null) {
      return false;
    }
    if (!(stack.reach(hop.destination()) instanceof BindingReach.Reachable reach)) {
      stack.respond(tx, StatusCode.TEMPORARILY_UNAVAILABLE);
      return true;
    }
    ProxyStack.trying(tx);
    counters.relayedForNode.increment();
    ResponseContext responses = stack.responseContext(tx);
    SipRequest.Builder r = DialogRoutes.towards(request, hop, reach);
    String nodeSide = DialogRoutes.createsDialog(request) ? routes.sendersSide(tx.source()) : null;
    if (nodeSide != null) {
      r.prepend(HeaderName.RECORD_ROUTE, nodeSide)
          .prepend(HeaderName.RECORD_ROUTE, routes.targetsSide(reach));
    }
    Destination to = reach.destination();
    responses.add(r.build(), to);
    responses.start();
    return true;
  }
}
