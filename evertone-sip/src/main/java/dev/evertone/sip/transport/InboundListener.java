package dev.evertone.sip.transport;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;

/** Receives the messages that passed parsing and validation (the transaction layer). */
public interface InboundListener {
  void onRequest(SipRequest request, Source source);

  void onResponse(SipResponse response, Source source);

  /** A stream connection (TCP, TLS, WebSocket) closed: nothing can be sent through it any more. */
  default void onFlowClosed(Flow flow) {}
}
