package dev.evertone.proxy;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.header.Via;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transaction.ClientTransaction;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TimerService;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Destination;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response context of one proxied request (RFC 3261 16.7): its branches, the responses they sent, and
 * which goes back. For INVITE, provisional responses are passed on, every 2xx is passed on at once and the
 * other branches are cancelled; otherwise the best final response goes back when every branch has ended: a 6xx
 * before anything else, then the lowest class, 408 when none answered. A CANCEL from the caller cancels every
 * branch (16.10); a branch ringing longer than Timer C is cancelled (16.8).
 */
final class Forwarding implements ClientTransaction.Listener {
  private static final Logger log = LoggerFactory.getLogger(Forwarding.class);

  private final ServerTransaction server;
  private final boolean invite;
  private final TransactionLayer transactions;
  private final long timerC;
  private final Consumer<SipResponse.Builder> respond;
  private final List<Branch> branches = new ArrayList<>(2);
  private boolean answered;
  private boolean cancelled;
  private @Nullable SipResponse best;
  // why the first branch that got no response ended (408, 503, 487); 0: none did
  private int localStatus;

  /**
   * @param respond sends a response this proxy makes itself (tagged, with its Server header)
   * @param timerC milliseconds a branch of an INVITE may ring before it is cancelled
   */
  Forwarding(ServerTransaction server, TransactionLayer transactions, long timerC, Consumer<SipResponse.Builder> respond) {
    this.server = server;
    this.invite = server.request().isMethod(Method.INVITE);
    this.transactions = transactions;
    this.timerC = timerC;
    this.respond = respond;
  }

  /** One target of the request. */
  private final class Branch {
    final SipRequest request;
    final Destination destination;
    @Nullable ClientTransaction tx;
    boolean provisional;
    boolean done;
    boolean cancelOnProvisional;
    TimerService.Timer timer = TimerService.Timer.NONE;

    Branch(SipRequest request, Destination destination) {
      this.request = request;
      this.destination = destination;
    }
  }

  /** Adds the branches before any is sent, so that no early answer is taken for the last. */
  synchronized void add(SipRequest request, Destination destination) {
    branches.add(new Branch(request, destination));
  }

  /** Sends every branch (16.6 step 10) and starts their Timer C. */
  void start() {
    List<Branch> all;
    synchronized (this) {
      all = List.copyOf(branches);
    }
    for (Branch b : all) {
      try {
        ClientTransaction tx = transactions.send(b.request, b.destination, this);
        synchronized (this) {
          b.tx = tx;
          if (invite && !b.done) {
            b.timer = transactions.scheduler().schedule(timerC, () -> timerC(b));
          }
        }
      } catch (RuntimeException e) {
        log.warn("cannot forward a {} to {}: {}", b.request.method(), b.destination.address(), e.toString());
        ended(b, null, StatusCode.SERVICE_UNAVAILABLE);
      }
    }
  }

  private synchronized @Nullable Branch branchOf(ClientTransaction tx) {
    for (Branch b : branches) {
      if (b.tx == tx || b.request == tx.request()) {
        return b;
      }
    }
    return null;
  }

  @Override
  public void onResponse(ClientTransaction tx, SipResponse response) {
    Branch b = branchOf(tx);
    if (b == null) {
      return;
    }
    if (response.isProvisional()) {
      provisional(b, response);
    } else if (response.isSuccess()) {
      success(b, response);
    } else {
      ended(b, response, response.status());
    }
  }

  /** 16.7 step 5: a provisional response other than 100 goes back; it restarts Timer C (16.8). */
  private void provisional(Branch b, SipResponse response) {
    if (!invite) {
      return; // a non-INVITE request's provisional responses are not forwarded (16.7 step 5 allows it)
    }
    boolean cancel;
    boolean forward;
    synchronized (this) {
      boolean first = !b.provisional;
      b.provisional = true;
      // 9.1: a branch is cancelled only once it has answered provisionally
      cancel = first && b.cancelOnProvisional;
      forward = !answered && !b.done && response.status() > StatusCode.TRYING;
      if (!b.done) {
        b.timer.cancel();
        b.timer = transactions.scheduler().schedule(timerC, () -> timerC(b));
      }
    }
    if (cancel) {
      sendCancel(b);
    }
    if (forward) {
      server.respond(withoutTopVia(response));
    }
  }

  /** 16.7 step 5 and 10: every 2xx to an INVITE goes back at once; the other branches are cancelled. */
  private void success(Branch b, SipResponse response) {
    List<Branch> cancel = new ArrayList<>();
    synchronized (this) {
      b.done = true;
      b.timer.cancel();
      if (!answered && invite) {
        cancel = unansweredBranches();
      } else if (answered && !invite) {
        return; // one final response for a non-INVITE request
      }
      answered = true;
    }
    cancel.forEach(this::cancelBranch);
    server.respond(withoutTopVia(response));
  }

  /**
   * A branch ended without success: a 3xx-6xx response ({@code response}) or a failure of its own ({@code
   * status}). On a 6xx the other branches are cancelled (16.7 step 6 and 10).
   */
  private void ended(Branch b, @Nullable SipResponse response, int status) {
    List<Branch> cancel = List.of();
    boolean finish;
    synchronized (this) {
      if (b.done) {
        return;
      }
      b.done = true;
      b.timer.cancel();
      if (response != null && (best == null || better(response, best))) {
        best = response;
      }
      if (response == null && localStatus == 0) {
        localStatus = status;
      }
      if (response != null && response.status() >= 600 && invite && !answered) {
        cancel = unansweredBranches();
      }
      finish = !answered && branches.stream().allMatch(x -> x.done);
      if (finish) {
        answered = true;
      }
    }
    cancel.forEach(this::cancelBranch);
    if (finish) {
      finish();
    }
  }

  private void finish() {
    SipResponse r;
    int status;
    synchronized (this) {
      r = best;
      status = cancelled ? StatusCode.REQUEST_TERMINATED : localStatus == 0 ? StatusCode.REQUEST_TIMEOUT : localStatus;
    }
    if (r == null) {
      // no branch answered: the proxy's own response says why
      respond.accept(SipResponse.forRequest(server.request(), status));
      return;
    }
    if (r.status() == StatusCode.SERVICE_UNAVAILABLE) {
      // 16.7 step 6: a 503 means this proxy's target is overloaded, not that the caller should avoid the proxy
      respond.accept(SipResponse.forRequest(server.request(), StatusCode.SERVER_INTERNAL_ERROR));
      return;
    }
    server.respond(withoutTopVia(r));
  }

  /** The caller cancelled (16.10): every branch that has not ended is cancelled. */
  void cancel() {
    List<Branch> cancel;
    synchronized (this) {
      if (answered || cancelled) {
        return;
      }
      cancelled = true;
      cancel = unansweredBranches();
    }
    cancel.forEach(this::cancelBranch);
  }

  private List<Branch> unansweredBranches() {
    List<Branch> out = new ArrayList<>();
    for (Branch x : branches) {
      if (!x.done) {
        out.add(x);
      }
    }
    return out;
  }

  /**
   * 16.7 step 10 and 9.1: a branch that answered provisionally gets a CANCEL; one that has not yet gets it when
   * it does, and ends now as 487 (the caller is not kept waiting for a device that does not answer).
   */
  private void cancelBranch(Branch b) {
    boolean send;
    synchronized (this) {
      send = b.provisional;
      if (!send) {
        b.cancelOnProvisional = true;
      }
    }
    if (send) {
      sendCancel(b);
    } else {
      ended(b, null, StatusCode.REQUEST_TERMINATED);
    }
  }

  /** Timer C (16.8): a branch rang too long. */
  private void timerC(Branch b) {
    boolean ringing;
    synchronized (this) {
      if (b.done) {
        return;
      }
      ringing = b.provisional;
    }
    log.debug("Timer C: {} did not answer", b.destination.address());
    if (ringing) {
      sendCancel(b); // its 487 ends the branch
    } else {
      ended(b, null, StatusCode.REQUEST_TIMEOUT);
    }
  }

  /** RFC 3261 9.1: the CANCEL of a branch copies its Request-URI, Call-ID, To, From, CSeq number, top Via and Route. */
  private void sendCancel(Branch b) {
    SipRequest r = b.request;
    SipRequest.Builder c = SipRequest.builder(Method.CANCEL, r.requestUri());
    c.add(HeaderName.VIA, firstVia(r));
    for (HeaderField f : r.headers()) {
      switch (f.name()) {
        case HeaderName.CALL_ID, HeaderName.FROM, HeaderName.TO, HeaderName.ROUTE, HeaderName.MAX_FORWARDS -> c.add(f);
        default -> { }
      }
    }
    c.set(HeaderName.CSEQ, r.cseq().number() + " " + Method.CANCEL);
    try {
      transactions.send(c.build(), b.destination, CANCEL_RESPONSES);
    } catch (RuntimeException e) {
      log.debug("cannot cancel the branch to {}: {}", b.destination.address(), e.toString());
    }
  }

  private static String firstVia(SipRequest r) {
    StringBuilder out = new StringBuilder();
    r.topVia().appendTo(out);
    return out.toString();
  }

  /** The answers to a CANCEL matter to nobody: the INVITE's own 487 ends the branch. */
  private static final ClientTransaction.Listener CANCEL_RESPONSES = new ClientTransaction.Listener() {
    @Override
    public void onResponse(ClientTransaction tx, SipResponse response) {}

    @Override
    public void onTimeout(ClientTransaction tx) {}

    @Override
    public void onTransportError(ClientTransaction tx, Throwable cause) {}
  };

  @Override
  public void onTimeout(ClientTransaction tx) {
    Branch b = branchOf(tx);
    if (b != null) {
      ended(b, null, StatusCode.REQUEST_TIMEOUT);
    }
  }

  @Override
  public void onTransportError(ClientTransaction tx, Throwable cause) {
    Branch b = branchOf(tx);
    if (b != null) {
      ended(b, null, StatusCode.SERVICE_UNAVAILABLE); // 16.9
    }
  }

  /** 16.7 step 6: a 6xx before anything else, otherwise the lowest class. */
  static boolean better(SipResponse candidate, SipResponse current) {
    int c = candidate.status() / 100;
    int b = current.status() / 100;
    if (b == 6) {
      return false;
    }
    return c == 6 || c < b;
  }

  /** 16.7 step 9: the response without the Via this proxy added. */
  static SipResponse withoutTopVia(SipResponse response) {
    List<String> vias = new ArrayList<>();
    for (HeaderField f : response.headers()) {
      if (f.name().equals(HeaderName.VIA)) {
        for (Via v : Via.parseList(f.value())) {
          StringBuilder out = new StringBuilder();
          v.appendTo(out);
          vias.add(out.toString());
        }
      }
    }
    SipResponse.Builder b = response.toBuilder().remove(HeaderName.VIA);
    for (int i = 1; i < vias.size(); i++) {
      b.add(HeaderName.VIA, vias.get(i));
    }
    return b.build();
  }
}
