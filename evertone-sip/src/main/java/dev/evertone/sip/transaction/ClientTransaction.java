package dev.evertone.sip.transaction;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.Destination;

/**
 * A client transaction (RFC 3261 17.1): sends a request, retransmits it over unreliable transports
 * until a response arrives, and reports responses, timeouts and transport errors to its listener.
 */
public abstract sealed class ClientTransaction
    permits InviteClientTransaction, NonInviteClientTransaction {
  final TransactionLayer layer;
  final String key;
  private final SipRequest request;
  private final Destination destination;
  final Listener listener;

  ClientTransaction(
      TransactionLayer layer,
      String key,
      SipRequest request,
      Destination destination,
      Listener listener) {
    this.layer = layer;
    this.key = key;
    this.request = request;
    this.destination = destination;
    this.listener = listener;
  }

  public SipRequest request() {
    return request;
  }

  public Destination destination() {
    return destination;
  }

  /** Sends the request for the first time and starts the timers. */
  abstract void start();

  abstract void onResponse(SipResponse response);

  final boolean reliable() {
    return destination.transport().isReliable();
  }

  final void sendRequest(SipRequest r) {
    layer.transport().sendRequest(r, destination, this::onTransportError);
  }

  /** RFC 3261 17.1.4: a transport failure is reported as such and ends the transaction. */
  void onTransportError(Throwable cause) {
    if (terminate()) {
      listener.onTransportError(this, cause);
    }
  }

  /** Moves to Terminated; returns false if it already was. */
  abstract boolean terminate();

  /** What the transaction user hears from a client transaction. */
  public interface Listener {
    void onResponse(ClientTransaction tx, SipResponse response);

    /** Timer B or F fired: no final response (the TU treats it as a 408). */
    void onTimeout(ClientTransaction tx);

    void onTransportError(ClientTransaction tx, Throwable cause);
  }
}
