package dev.evertone.sip.transaction;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.Source;

/**
 * The transaction user (RFC 3261 17): the registrar, proxy or UAS core that receives the requests
 * the transaction layer does not absorb.
 */
public interface TransactionUser {

  /** A new request, in its new server transaction; the TU must respond through {@code tx}. */
  void onRequest(ServerTransaction tx, SipRequest request);

  /**
   * A CANCEL matched an INVITE server transaction that has not sent a final response (RFC 3261
   * 9.2); the layer has already answered the CANCEL with 200. The TU should answer the INVITE with
   * 487.
   */
  default void onCancel(InviteServerTransaction invite, SipRequest cancel) {}

  /**
   * An ACK that matches no transaction: the ACK of a 2xx, which belongs to the dialog (RFC 3261
   * 17.2.3).
   */
  default void onAckWithoutTransaction(SipRequest ack, Source source) {}

  /** A response that matches no client transaction (RFC 3261 18.1.2); a proxy may forward it. */
  default void onResponseWithoutTransaction(SipResponse response, Source source) {}

  /** Timer H fired: the peer never acknowledged a 3xx-6xx response to its INVITE. */
  default void onAckTimeout(InviteServerTransaction tx) {}

  /** A response could not be sent (RFC 3261 17.2.4). */
  default void onTransportError(ServerTransaction tx, Throwable cause) {}

  /**
   * A stream connection closed (RFC 5626 6): the bindings registered over it can no longer be
   * reached.
   */
  default void onFlowClosed(Flow flow) {}
}
