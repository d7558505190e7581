package dev.evertone.proxy;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transaction.ClientTransaction;
import dev.evertone.sip.transaction.TimerService;
import dev.evertone.sip.transport.Destination;
import org.jspecify.annotations.Nullable;

/**
 * One target of a forwarded request (RFC 3261 16.6): the request sent there, its client
 * transaction, and how far it got. Its state is guarded by the lock of its {@link ResponseContext}.
 */
final class Branch {
  /** The answers to a CANCEL matter to nobody: the INVITE's own 487 ends the branch. */
  static final ClientTransaction.Listener CANCEL_RESPONSES =
      new ClientTransaction.Listener() {
        @Override
        public void onResponse(ClientTransaction tx, SipResponse response) {}

        @Override
        public void onTimeout(ClientTransaction tx) {}

        @Override
        public void onTransportError(ClientTransaction tx, Throwable cause) {}
      };

  /** The request as last sent: with credentials once it answered a challenge. */
  SipRequest request;

  final Destination destination;

  /** How the branch answers a digest challenge; null: it does not. */
  final ResponseContext.@Nullable Credentials credentials;

  /** The transaction of the request as last sent; null until it is sent. */
  @Nullable ClientTransaction tx;

  /** Whether the target answered provisionally (a CANCEL may be sent, RFC 3261 9.1). */
  boolean provisional;

  /** Whether the branch has ended: a final response, a timeout, a transport error, cancelled. */
  boolean done;

  /** Whether a CANCEL goes out as soon as the target answers provisionally. */
  boolean cancelOnProvisional;

  /** Whether the branch has answered its one challenge. */
  boolean challenged;

  /** Timer C (16.8) of an INVITE branch. */
  TimerService.Timer timer = TimerService.Timer.NONE;

  Branch(
      SipRequest request,
      Destination destination,
      ResponseContext.@Nullable Credentials credentials) {
    this.request = request;
    this.destination = destination;
    this.credentials = credentials;
  }

  /**
   * RFC 3261 9.1: the CANCEL of this branch copies its Request-URI, Call-ID, To, From, CSeq number,
   * top Via and Route.
   */
  SipRequest cancel() {
    SipRequest r = request;
    SipRequest.Builder c = SipRequest.builder(Method.CANCEL, r.requestUri());
    StringBuilder via = new StringBuilder();
    r.topVia().appendTo(via);
    c.add(HeaderName.VIA, via.toString());
    for (HeaderField f : r.headers()) {
      switch (f.name()) {
        case HeaderName.CALL_ID,
            HeaderName.FROM,
            HeaderName.TO,
            HeaderName.ROUTE,
            HeaderName.MAX_FORWARDS ->
            c.add(f);
        default -> {}
      }
    }
    c.set(HeaderName.CSEQ, r.cseq().number() + " " + Method.CANCEL);
    return c.build();
  }
}
