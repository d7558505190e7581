package dev.evertone.sip.transaction;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.Destination;

/** RFC 3261 17.1.2, figure 6: Trying -> Proceeding -> Completed -(Timer K)-> Terminated. */
public final class NonInviteClientTransaction extends ClientTransaction {
  public enum State {
    TRYING,
    PROCEEDING,
    COMPLETED,
    TERMINATED
  }

  private State state = State.TRYING;
  private long intervalE;
  private TimerService.Timer timerE = TimerService.Timer.NONE;
  private TimerService.Timer timerF = TimerService.Timer.NONE;
  private TimerService.Timer timerK = TimerService.Timer.NONE;

  NonInviteClientTransaction(
      TransactionLayer layer,
      String key,
      SipRequest request,
      Destination destination,
      Listener listener) {
    super(layer, key, request, destination, listener);
  }

  public synchronized State state() {
    return state;
  }

  @Override
  synchronized void start() {
    sendRequest(request());
    if (!reliable()) {
      intervalE = layer.timers().t1();
      timerE = layer.scheduler().schedule(intervalE, this::fireE);
    }
    timerF = layer.scheduler().schedule(layer.timers().timeout(), this::fireF);
  }

  private synchronized void fireE() {
    if (state == State.TRYING || state == State.PROCEEDING) {
      layer.retransmittedRequest();
      sendRequest(request());
      // Trying: double up to T2; Proceeding: always T2
      intervalE =
          state == State.TRYING
              ? Math.min(2 * intervalE, layer.timers().t2())
              : layer.timers().t2();
      timerE = layer.scheduler().schedule(intervalE, this::fireE);
    }
  }

  private void fireF() {
    boolean timedOut;
    synchronized (this) {
      timedOut = (state == State.TRYING || state == State.PROCEEDING) && terminate();
    }
    if (timedOut) {
      listener.onTimeout(this);
    }
  }

  @Override
  void onResponse(SipResponse response) {
    synchronized (this) {
      if (state == State.COMPLETED || state == State.TERMINATED) {
        return; // retransmitted final response: absorbed
      }
      if (response.isProvisional()) {
        if (state == State.TRYING) {
          state = State.PROCEEDING;
          if (!reliable()) {
            timerE.cancel();
            intervalE = layer.timers().t2();
            timerE = layer.scheduler().schedule(intervalE, this::fireE);
          }
        }
      } else {
        state = State.COMPLETED;
        timerE.cancel();
        timerF.cancel();
        long k = reliable() ? 0 : layer.timers().t4();
        if (k == 0) {
          terminate();
        } else {
          timerK = layer.scheduler().schedule(k, this::terminate);
        }
      }
    }
    listener.onResponse(this, response);
  }

  @Override
  synchronized boolean terminate() {
    if (state == State.TERMINATED) {
      return false;
    }
    state = State.TERMINATED;
    timerE.cancel();
    timerF.cancel();
    timerK.cancel();
    layer.remove(this);
    return true;
  }
}
