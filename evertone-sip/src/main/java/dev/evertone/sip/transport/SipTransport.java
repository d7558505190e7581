package dev.evertone.sip.transport;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;

/** What the transaction layer needs from the transport layer (RFC 3261 18). */
public interface SipTransport {

  /**
   * Sends a response to a request that arrived from {@code source}, routed as RFC 3261 18.2.2 and RFC
   * 3581 say: over the same connection for streams; for UDP to received:rport (or the Via's sent-by).
   */
  void sendResponse(SipResponse response, Source source, Flow.SendFailureHandler onFailure);

  /** Sends a request (RFC 3261 18.1.1). */
  void sendRequest(SipRequest request, Destination destination, Flow.SendFailureHandler onFailure);
}
