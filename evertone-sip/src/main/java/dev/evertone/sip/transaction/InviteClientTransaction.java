package dev.evertone.sip.transaction;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.Destination;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * RFC 3261 17.1.1, figure 5, with RFC 6026: Calling -> Proceeding -> Completed (3xx-6xx: ACK sent,
 * Timer D) or Accepted (2xx, Timer M) -> Terminated.
 */
public final class InviteClientTransaction extends ClientTransaction {
  public enum State {
    CALLING,
    PROCEEDING,
    COMPLETED,
    ACCEPTED,
    TERMINATED
  }

  private State state = State.CALLING;
  private long intervalA;
  private TimerService.Timer timerA = TimerService.Timer.NONE;
  private TimerService.Timer timerB = TimerService.Timer.NONE;
  private TimerService.Timer timerDorM = TimerService.Timer.NONE;
  private @Nullable SipRequest ack; // made on the final error response that completes the INVITE

  InviteClientTransaction(
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
      intervalA = layer.timers().t1();
      timerA = layer.scheduler().schedule(intervalA, this::fireA);
    }
    timerB = layer.scheduler().schedule(layer.timers().timeout(), this::fireB);
  }

  private synchronized void fireA() {
    if (state == State.CALLING) {
      layer.retransmittedRequest();
      sendRequest(request());
      intervalA *= 2;
      timerA = layer.scheduler().schedule(intervalA, this::fireA);
    }
  }

  private void fireB() {
    boolean timedOut;
    synchronized (this) {
      timedOut = state == State.CALLING && terminate();
    }
    if (timedOut) {
      listener.onTimeout(this);
    }
  }

  @Override
  void onResponse(SipResponse response) {
    boolean report = true;
    synchronized (this) {
      switch (state) {
        case CALLING, PROCEEDING -> {
          timerA.cancel();
          if (response.isProvisional()) {
            state = State.PROCEEDING;
          } else if (response.isSuccess()) {
            state = State.ACCEPTED;
            timerB.cancel();
            timerDorM = layer.scheduler().schedule(layer.timers().timeout(), this::terminate);
          } else {
            state = State.COMPLETED;
            timerB.cancel();
            ack = ackFor(response);
            sendRequest(ack);
            long d = reliable() ? 0 : layer.timers().timerD();
            if (d == 0) {
              terminate();
            } else {
              timerDorM = layer.scheduler().schedule(d, this::terminate);
            }
          }
        }
        case COMPLETED -> {
          // retransmitted final response: ACK again, do not report (RFC 3261 17.1.1.2)
          if (!response.isProvisional() && !response.isSuccess()) {
            sendRequest(Objects.requireNonNull(ack, "COMPLETED is entered with its ACK made"));
          }
          report = false;
        }
        case ACCEPTED ->
            report = response.isSuccess(); // RFC 6026 8.4: 2xx retransmissions go to the TU
        default -> report = false;
      }
    }
    if (report) {
      listener.onResponse(this, response);
    }
  }

  /**
   * The ACK for a 3xx-6xx response (RFC 3261 17.1.1.3): Request-URI, Call-ID, From, CSeq number and
   * Route of the INVITE, its top Via only, and the To of the response.
   */
  SipRequest ackFor(SipResponse response) {
    SipRequest invite = request();
    SipRequest.Builder b = SipRequest.builder(Method.ACK, invite.requestUri());
    b.add(HeaderName.VIA, invite.topVia());
    for (HeaderField f : invite.headers()) {
      switch (f.name()) {
        case HeaderName.CALL_ID, HeaderName.FROM, HeaderName.ROUTE, HeaderName.MAX_FORWARDS ->
            b.add(f);
        default -> {}
      }
    }
    b.set(
        HeaderName.TO,
        Objects.requireNonNull(
            response.header(HeaderName.TO), "a response is validated: it has a To"));
    b.set(HeaderName.CSEQ, invite.cseq().number() + " " + Method.ACK);
    return b.build();
  }

  @Override
  synchronized boolean terminate() {
    if (state == State.TERMINATED) {
      return false;
    }
    state = State.TERMINATED;
    timerA.cancel();
    timerB.cancel();
    timerDorM.cancel();
    layer.remove(this);
    return true;
  }
}
