package dev.evertone.sip.transaction;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.Source;

/**
 * RFC 3261 17.2.2, figure 8: Trying -> Proceeding -> Completed -(Timer J)-> Terminated. Over UDP
 * the Completed state is held by the layer's {@link CompletedResponses}, which answers
 * retransmissions with the final response until Timer J; this object is done as soon as the final
 * response is out.
 */
public final class NonInviteServerTransaction extends ServerTransaction {
  public enum State {
    TRYING,
    PROCEEDING,
    COMPLETED,
    TERMINATED
  }

  private State state = State.TRYING;

  NonInviteServerTransaction(
      TransactionLayer layer, String key, SipRequest request, Source source) {
    super(layer, key, request, source);
  }

  public synchronized State state() {
    return state;
  }

  @Override
  public synchronized boolean isCompleted() {
    return state == State.COMPLETED || state == State.TERMINATED;
  }

  @Override
  public synchronized void respond(SipResponse response) {
    if (state == State.COMPLETED || state == State.TERMINATED) {
      return; // RFC 3261 17.2.2: further responses from the TU are discarded
    }
    if (response.isProvisional()) {
      state = State.PROCEEDING;
      send(response);
      return;
    }
    state = State.COMPLETED;
    send(response);
    if (source().transport().isReliable()) {
      terminate(); // Timer J is zero on reliable transports
    } else {
      // Timer J: the layer keeps the response octets, not this object, until 64*T1 have passed
      layer.completeOverUdp(this);
      state = State.TERMINATED;
    }
  }

  @Override
  boolean resendsOnRetransmission() {
    return state == State.PROCEEDING || state == State.COMPLETED;
  }

  @Override
  synchronized void terminate() {
    if (state != State.TERMINATED) {
      state = State.TERMINATED;
      layer.remove(this);
    }
  }
}
