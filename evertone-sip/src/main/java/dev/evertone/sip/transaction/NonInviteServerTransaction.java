package dev.evertone.sip.transaction;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.Source;

/** RFC 3261 17.2.2, figure 8: Trying -> Proceeding -> Completed -(Timer J)-> Terminated. */
public final class NonInviteServerTransaction extends ServerTransaction {
  public enum State { TRYING, PROCEEDING, COMPLETED, TERMINATED }

  private State state = State.TRYING;
  private TimerService.Timer timerJ = TimerService.Timer.NONE;

  NonInviteServerTransaction(TransactionLayer layer, String key, SipRequest request, Source source) {
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
    long j = source().transport().isReliable() ? 0 : layer.timers().timeout();
    if (j == 0) {
      terminate();
    } else {
      timerJ = layer.scheduler().schedule(j, this::terminate);
    }
  }

  @Override
  synchronized void onRetransmission() {
    if (state == State.PROCEEDING || state == State.COMPLETED) {
      resendLast();
    } else {
      layer.absorbedRetransmission();
    }
  }

  @Override
  synchronized void terminate() {
    if (state != State.TERMINATED) {
      state = State.TERMINATED;
      timerJ.cancel();
      layer.remove(this);
    }
  }
}
