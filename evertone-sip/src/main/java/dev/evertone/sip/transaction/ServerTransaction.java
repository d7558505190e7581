package dev.evertone.sip.transaction;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.Source;
import org.jspecify.annotations.Nullable;

/**
 * A server transaction (RFC 3261 17.2): absorbs retransmissions of the request and retransmits the
 * response the transaction user gives it. Thread-safe: the TU may respond from any thread.
 */
public abstract sealed class ServerTransaction permits InviteServerTransaction, NonInviteServerTransaction {
  final TransactionLayer layer;
  final String key;
  private final SipRequest request;
  private final Source source;
  @Nullable SipResponse lastResponse;

  ServerTransaction(TransactionLayer layer, String key, SipRequest request, Source source) {
    this.layer = layer;
    this.key = key;
    this.request = request;
    this.source = source;
  }

  public SipRequest request() {
    return request;
  }

  /** Where the request came from; responses are routed back from there. */
  public Source source() {
    return source;
  }

  /** Sends a response (provisional or final) through the transaction. */
  public abstract void respond(SipResponse response);

  /** Whether a final response has been sent. */
  public abstract boolean isCompleted();

  /** A retransmission of the request arrived. */
  abstract void onRetransmission();

  final void send(SipResponse response) {
    lastResponse = response;
    layer.transport().sendResponse(response, source, cause -> onTransportError(cause));
  }

  final void resendLast() {
    SipResponse last = lastResponse;
    if (last != null) {
      layer.retransmittedResponse();
      layer.transport().sendResponse(last, source, cause -> onTransportError(cause));
    }
  }

  /** RFC 3261 17.2.4: a transport failure terminates the transaction and tells the TU. */
  void onTransportError(Throwable cause) {
    terminate();
    layer.user().onTransportError(this, cause);
  }

  abstract void terminate();
}
