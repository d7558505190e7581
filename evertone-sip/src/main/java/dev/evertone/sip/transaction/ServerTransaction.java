package dev.evertone.sip.transaction;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.SipTransport;
import dev.evertone.sip.transport.Source;
import org.jspecify.annotations.Nullable;

/**
 * A server transaction (RFC 3261 17.2): absorbs retransmissions of the request and retransmits the
 * response the transaction user gives it. Thread-safe: the TU may respond from any thread.
 */
public abstract sealed class ServerTransaction
    permits InviteServerTransaction, NonInviteServerTransaction {
  final TransactionLayer layer;
  final String key;
  private @Nullable SipRequest request;
  private final Source source;
  // What is needed to send the last response again: its octets and destination only. A completed
  // transaction lives 64*T1 over UDP (Timer J); keeping the parsed request and response that long
  // would
  // hold several KB per REGISTER in memory under load.
  private SipTransport.SentResponse lastResponse = SipTransport.SentResponse.NONE;
  private boolean responded;
  private volatile @Nullable Object attachment;

  ServerTransaction(TransactionLayer layer, String key, SipRequest request, Source source) {
    this.layer = layer;
    this.key = key;
    this.request = request;
    this.source = source;
  }

  /**
   * The request. Available until the transaction completes (its final response is sent); afterwards
   * the transaction keeps only what retransmissions need.
   */
  public SipRequest request() {
    SipRequest r = request;
    if (r == null) {
      throw new IllegalStateException("the request of a completed transaction is released");
    }
    return r;
  }

  /** Where the request came from; responses are routed back from there. */
  public Source source() {
    return source;
  }

  /**
   * Keeps the transaction user's state for this transaction (a proxy's branches), so CANCEL can
   * find it.
   */
  public void attach(@Nullable Object state) {
    this.attachment = state;
  }

  /** What {@link #attach} kept, or null. */
  public @Nullable Object attachment() {
    return attachment;
  }

  /** Sends a response (provisional or final) through the transaction. */
  public abstract void respond(SipResponse response);

  /**
   * Sends a final response once and ends the transaction without waiting for an ACK or
   * retransmitting (as a stateless element would, RFC 3261 16.11): for challenges, which are cheap
   * to send again. A retransmitted request then starts a new transaction and gets a fresh answer;
   * the ACK of the response matches nothing.
   */
  public final synchronized void respondStatelessly(SipResponse response) {
    if (response.isProvisional()) {
      throw new IllegalArgumentException("only a final response ends a transaction");
    }
    send(response);
    terminate();
  }

  /** Whether a final response has been sent. */
  public abstract boolean isCompleted();

  /**
   * A retransmission of the request arrived: the last response goes out again in the states where
   * the RFC says so, otherwise the retransmission is absorbed.
   */
  final synchronized void onRetransmission() {
    if (resendsOnRetransmission()) {
      resendLast();
    } else {
      layer.absorbedRetransmission();
    }
  }

  /**
   * Whether the current state answers a retransmitted request with the last response (lock held).
   */
  abstract boolean resendsOnRetransmission();

  final void send(SipResponse response) {
    responded = true;
    lastResponse = layer.transport().sendResponse(response, source, this::onTransportError);
    if (!response.isProvisional()) {
      request = null;
    }
  }

  /** The last response as it was sent. */
  final SipTransport.SentResponse lastSent() {
    return lastResponse;
  }

  /** Whether any response was sent yet. */
  final boolean hasResponded() {
    return responded;
  }

  final void resendLast() {
    if (responded) {
      layer.retransmittedResponse();
      lastResponse.resend(this::onTransportError);
    }
  }

  /** RFC 3261 17.2.4: a transport failure terminates the transaction and tells the TU. */
  void onTransportError(Throwable cause) {
    terminate();
    layer.user().onTransportError(this, cause);
  }

  abstract void terminate();
}
