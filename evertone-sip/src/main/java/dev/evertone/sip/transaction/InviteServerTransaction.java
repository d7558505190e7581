package dev.evertone.sip.transaction;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transport.Source;

/**
 * RFC 3261 17.2.1, figure 7, with the Accepted state of RFC 6026: Proceeding -> Completed (3xx-6xx,
 * Timers G and H) -> Confirmed (ACK, Timer I) -> Terminated, or Proceeding -> Accepted (2xx, Timer
 * L) -> Terminated.
 */
public final class InviteServerTransaction extends ServerTransaction {
  public enum State {
    PROCEEDING,
    COMPLETED,
    CONFIRMED,
    ACCEPTED,
    TERMINATED
  }

  /** RFC 3261 17.2.1: a 100 Trying is sent if the TU has not answered within 200 ms. */
  static final long TRYING_DELAY_MILLIS = 200;

  private State state = State.PROCEEDING;
  private TimerService.Timer trying;
  private TimerService.Timer timerG = TimerService.Timer.NONE;
  private TimerService.Timer timerH = TimerService.Timer.NONE;
  private TimerService.Timer timerIorL = TimerService.Timer.NONE;
  private long intervalG;

  InviteServerTransaction(TransactionLayer layer, String key, SipRequest request, Source source) {
    super(layer, key, request, source);
    trying = layer.scheduler().schedule(TRYING_DELAY_MILLIS, this::sendTrying);
  }

  public synchronized State state() {
    return state;
  }

  @Override
  public synchronized boolean isCompleted() {
    return state != State.PROCEEDING;
  }

  private synchronized void sendTrying() {
    if (state == State.PROCEEDING && !hasResponded()) {
      send(SipResponse.forRequest(request(), StatusCode.TRYING).build());
    }
  }

  @Override
  public synchronized void respond(SipResponse response) {
    trying.cancel();
    switch (state) {
      case PROCEEDING -> {
        if (response.isProvisional()) {
          send(response);
        } else if (response.isSuccess()) {
          state = State.ACCEPTED;
          send(response);
          timerIorL = layer.scheduler().schedule(layer.timers().timeout(), this::terminate);
        } else {
          state = State.COMPLETED;
          send(response);
          if (!source().transport().isReliable()) {
            intervalG = layer.timers().t1();
            timerG = layer.scheduler().schedule(intervalG, this::fireG);
          }
          timerH = layer.scheduler().schedule(layer.timers().timeout(), this::fireH);
        }
      }
      case ACCEPTED -> {
        if (response.isSuccess()) {
          send(response); // RFC 6026 7.1: the TU retransmits its 2xx through the transaction
        }
      }
      default -> {
        // Completed, Confirmed, Terminated: the final response is already out
      }
    }
  }

  private synchronized void fireG() {
    if (state == State.COMPLETED) {
      resendLast();
      intervalG = Math.min(2 * intervalG, layer.timers().t2());
      timerG = layer.scheduler().schedule(intervalG, this::fireG);
    }
  }

  private synchronized void fireH() {
    if (state == State.COMPLETED) {
      // no ACK arrived for the final response
      terminate();
      layer.user().onAckTimeout(this);
    }
  }

  /** An ACK for a 3xx-6xx response. */
  synchronized void onAck() {
    if (state == State.COMPLETED) {
      state = State.CONFIRMED;
      timerG.cancel();
      timerH.cancel();
      long i = source().transport().isReliable() ? 0 : layer.timers().t4();
      if (i == 0) {
        terminate();
      } else {
        timerIorL = layer.scheduler().schedule(i, this::terminate);
      }
    } else {
      layer.absorbedRetransmission();
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
      trying.cancel();
      timerG.cancel();
      timerH.cancel();
      timerIorL.cancel();
      layer.remove(this);
    }
  }
}
