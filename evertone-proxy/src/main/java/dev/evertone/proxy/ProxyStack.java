package dev.evertone.proxy;

import dev.evertone.registrar.BindingReach;
import dev.evertone.sip.SipSockets;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Destination;
import dev.evertone.store.calls.CallRecord;

/**
 * The SIP stack as every part of the proxy uses it: the transaction layer it forwards through, the
 * sockets its Vias and Record-Route entries name, and its settings.
 */
record ProxyStack(
    TransactionLayer transactions,
    SipSockets sockets,
    ProxySettings settings,
    MediaAnchor media,
    CallRecords records) {

  /** Sends a response this proxy makes itself: with a To tag and its Server header. */
  void respond(ServerTransaction tx, SipResponse.Builder response) {
    response.withToTag(TransactionLayer.newTag());
    response.add(HeaderName.SERVER, settings.serverHeader());
    SipResponse r = response.build();
    if (r.status() >= 300) {
      // whatever path ended the call here (no device, a loop, a CANCEL before any branch, no
      // route): evertone ended it, and its relay ports go now, not after the media timeout
      records.failed(tx.request(), r.status(), CallRecord.EndedBy.SYSTEM);
      media.failed(tx.request());
    }
    tx.respond(r);
  }

  /** Answers the request of {@code tx} with {@code status} and its standard reason phrase. */
  void respond(ServerTransaction tx, int status) {
    respond(tx, SipResponse.forRequest(tx.request(), status));
  }

  /** 16.2: a 100 stops the retransmissions of an INVITE while its targets are found. */
  static void trying(ServerTransaction tx) {
    if (tx.request().isMethod(Method.INVITE)) {
      tx.respond(SipResponse.forRequest(tx.request(), StatusCode.TRYING).build());
    }
  }

  /** A new response context for the request of {@code tx}, attached to it for a CANCEL to find. */
  ResponseContext responseContext(ServerTransaction tx) {
    ResponseContext context =
        new ResponseContext(
            tx, transactions, settings.timerCMillis(), b -> respond(tx, b), media, records);
    tx.attach(context);
    return context;
  }

  /** How a request of this proxy reaches {@code to}, or why it cannot. */
  BindingReach reach(Destination to) {
    return BindingReach.of(to, sockets);
  }
}
