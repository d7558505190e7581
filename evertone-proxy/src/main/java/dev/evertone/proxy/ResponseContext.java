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
import dev.evertone.store.calls.CallRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response context of one forwarded request (RFC 3261 16.7): its branches ({@link Branch}), the
 * responses they sent, and which goes back. For INVITE, provisional responses are passed on, every
 * 2xx is passed on at once and the other branches are cancelled; otherwise the best final response
 * goes back when every branch has ended: a 6xx before anything else, then the lowest class, 408
 * when none answered. A CANCEL from the caller cancels every branch (16.10); a branch ringing
 * longer than Timer C is cancelled (16.8).
 *
 * <p>Targets can come in stages (serial forking, 16.6): when every branch of a stage has ended
 * without success, a {@link Fallback} may start the next stage instead of answering - the next
 * trunk after a 503, the forwarding target of a busy or unanswered extension. A stage can also be
 * ended early ({@link #redirect()}: its devices rang long enough). A branch may answer a digest
 * challenge once ({@link Credentials}: evertone's account at a carrier).
 */
final class ResponseContext implements ClientTransaction.Listener {
  private static final Logger log = LoggerFactory.getLogger(ResponseContext.class);

  private final ServerTransaction server;
  private final boolean invite;
  private final TransactionLayer transactions;
  private final long timerC;
  private final Consumer<SipResponse.Builder> respond;
  private final MediaAnchor media;
  private final CallRecords records;
  private final List<Branch> branches = new ArrayList<>(2);
  private boolean answered;
  private boolean cancelled;
  private boolean redirected;
  private @Nullable Fallback fallback;
  private TimerService.Timer stageTimer = TimerService.Timer.NONE;
  private @Nullable SipResponse best;
  // why the first branch that got no response ended (408, 503, 487); 0: none did
  private int localStatus;

  /**
   * @param respond sends a response this proxy makes itself (tagged, with its Server header)
   * @param timerC milliseconds a branch of an INVITE may ring before it is cancelled
   * @param media rewrites the SDP of the requests and responses passing through, when anchored
   * @param records follows the call from its INVITE to its end
   */
  ResponseContext(
      ServerTransaction server,
      TransactionLayer transactions,
      long timerC,
      Consumer<SipResponse.Builder> respond,
      MediaAnchor media,
      CallRecords records) {
    this.server = server;
    this.media = media;
    this.records = records;
    this.invite = server.request().isMethod(Method.INVITE);
    this.transactions = transactions;
    this.timerC = timerC;
    this.respond = respond;
  }

  /** What comes after a stage that ended without success. */
  interface Fallback {
    /**
     * Starts the next stage ({@link #add} and {@link #start}) and returns true, or returns false to
     * answer the caller with the stage's best response.
     *
     * @param status the stage's best final status (408 when nothing answered)
     * @param redirected whether the stage was ended by {@link #redirect()}
     */
    boolean next(int status, boolean redirected);
  }

  /**
   * Answers a target's digest challenge: the request again with credentials, or null to give up.
   */
  interface Credentials {
    @Nullable SipRequest answer(SipRequest request, SipResponse challenge);
  }

  /**
   * Adds a branch of the next stage; all are added before any is sent, so no early answer is taken
   * for the last.
   */
  synchronized void add(SipRequest request, Destination destination) {
    add(request, destination, null);
  }

  synchronized void add(
      SipRequest request, Destination destination, @Nullable Credentials credentials) {
    // before the media anchor: a BYE closes the relay session, whose measurements the record takes
    records.bye(request);
    branches.add(
        new Branch(
            media.towardTarget(request, server.source().remote().getAddress()),
            destination,
            credentials));
  }

  /** What to do if this stage fails (replaced by each stage; null: answer). */
  synchronized void fallback(@Nullable Fallback next) {
    this.fallback = next;
  }

  /** Ends the stage after {@code millis} unless answered (an extension's no-answer forwarding). */
  synchronized void redirectAfter(long millis) {
    stageTimer.cancel();
    stageTimer = transactions.scheduler().schedule(millis, this::redirect);
  }

  /** Whether the caller has cancelled. */
  synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Sends every branch of the stage not sent yet (16.6 step 10) and starts their Timer C. */
  void start() {
    List<Branch> all;
    synchronized (this) {
      all = branches.stream().filter(b -> b.tx == null && !b.done).toList();
    }
    for (Branch b : all) {
      send(b);
    }
  }

  private void send(Branch b) {
    try {
      ClientTransaction tx = transactions.send(b.request, b.destination, this);
      synchronized (this) {
        b.tx = tx;
        if (invite && !b.done) {
          b.timer.cancel();
          b.timer = transactions.scheduler().schedule(timerC, () -> timerC(b));
        }
      }
    } catch (RuntimeException e) {
      log.warn(
          "cannot forward a {} to {}: {}",
          b.request.method(),
          b.destination.address(),
          e.toString());
      ended(b, null, StatusCode.SERVICE_UNAVAILABLE);
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
    } else if (!answerChallenge(b, response)) {
      ended(b, response, response.status());
    }
  }

  /**
   * A 401 or 407 from a target evertone has an account at: the request once more, with credentials
   * (RFC 3261 22.2).
   */
  private boolean answerChallenge(Branch b, SipResponse response) {
    int status = response.status();
    if ((status != StatusCode.UNAUTHORIZED && status != StatusCode.PROXY_AUTHENTICATION_REQUIRED)
        || b.credentials == null) {
      return false;
    }
    SipRequest again;
    synchronized (this) {
      if (b.challenged || b.done || cancelled || answered) {
        return false;
      }
      b.challenged = true;
    }
    again = b.credentials.answer(b.request, response);
    if (again == null) {
      return false;
    }
    synchronized (this) {
      b.request = again;
      b.tx = null;
    }
    send(b);
    return true;
  }

  /** 16.7 step 5: a provisional response other than 100 goes back; it restarts Timer C (16.8). */
  private void provisional(Branch b, SipResponse response) {
    if (!invite) {
      // a non-INVITE request's provisional responses are not forwarded (16.7 step 5 allows it)
      return;
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
      server.respond(
          media.towardSender(withoutTopVia(response), b.destination.address().getAddress()));
    }
  }

  /**
   * 16.7 step 5 and 10: every 2xx to an INVITE goes back at once; the other branches are cancelled.
   */
  private void success(Branch b, SipResponse response) {
    List<Branch> cancel = new ArrayList<>();
    synchronized (this) {
      b.done = true;
      b.timer.cancel();
      stageTimer.cancel();
      if (!answered && invite) {
        cancel = unansweredBranches();
      } else if (answered && !invite) {
        return; // one final response for a non-INVITE request
      }
      answered = true;
    }
    cancel.forEach(this::cancelBranch);
    if (invite) {
      records.answered(server.request());
    }
    server.respond(
        media.towardSender(withoutTopVia(response), b.destination.address().getAddress()));
  }

  /**
   * A branch ended without success: a 3xx-6xx response ({@code response}) or a failure of its own
   * ({@code status}). On a 6xx the other branches are cancelled (16.7 step 6 and 10).
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
    Fallback next;
    boolean wasRedirected;
    boolean wasCancelled;
    synchronized (this) {
      wasCancelled = cancelled;
      r = best;
      status =
          cancelled
              ? StatusCode.REQUEST_TERMINATED
              : localStatus == 0 ? StatusCode.REQUEST_TIMEOUT : localStatus;
      next = cancelled ? null : fallback;
      wasRedirected = redirected;
      stageTimer.cancel();
      if (next != null) {
        // a new stage: what the old one heard no longer counts
        branches.clear();
        best = null;
        localStatus = 0;
        answered = false;
        redirected = false;
        fallback = null;
      }
    }
    if (next != null) {
      boolean started;
      try {
        started = next.next(r != null ? r.status() : status, wasRedirected);
      } catch (RuntimeException e) {
        log.error("the next targets of {} failed", server.request().callId(), e);
        started = false;
      }
      if (started) {
        return;
      }
      synchronized (this) {
        answered = true;
      }
    }
    media.failed(server.request());
    recordFailure(r, status, wasCancelled);
    if (r == null) {
      // no branch answered: the proxy's own response says why
      respond.accept(SipResponse.forRequest(server.request(), status));
      return;
    }
    if (r.status() == StatusCode.SERVICE_UNAVAILABLE) {
      // 16.7 step 6: a 503 means this proxy's target is overloaded, not that the caller should
      // avoid the proxy
      respond.accept(SipResponse.forRequest(server.request(), StatusCode.SERVER_INTERNAL_ERROR));
      return;
    }
    server.respond(withoutTopVia(r));
  }

  /**
   * The call's record ends with the status the caller gets: the caller cancelled it, a target
   * refused it, or evertone gave up (no answer before Timer C, no target reachable).
   */
  private void recordFailure(@Nullable SipResponse r, int status, boolean wasCancelled) {
    int sent =
        r == null
            ? status
            : r.status() == StatusCode.SERVICE_UNAVAILABLE
                ? StatusCode.SERVER_INTERNAL_ERROR
                : r.status();
    CallRecord.EndedBy by =
        wasCancelled
            ? CallRecord.EndedBy.CALLER
            : r != null && r.status() != StatusCode.REQUEST_TERMINATED
                ? CallRecord.EndedBy.CALLEE
                : CallRecord.EndedBy.SYSTEM;
    records.failed(server.request(), sent, by);
  }

  /**
   * The stage rang long enough: its branches are cancelled and the fallback decides what comes
   * next.
   */
  void redirect() {
    List<Branch> cancel;
    synchronized (this) {
      if (answered || cancelled || redirected) {
        return;
      }
      redirected = true;
      cancel = unansweredBranches();
    }
    cancel.forEach(this::cancelBranch);
  }

  /** The caller cancelled (16.10): every branch that has not ended is cancelled. */
  void cancel() {
    List<Branch> cancel;
    boolean nothingSent;
    synchronized (this) {
      if (answered || cancelled) {
        return;
      }
      cancelled = true;
      stageTimer.cancel();
      cancel = unansweredBranches();
      // between stages (the next targets are still being looked up) no branch will end the call: it
      // ends here
      nothingSent = branches.isEmpty();
      if (nothingSent) {
        answered = true;
      }
    }
    if (nothingSent) {
      records.failed(server.request(), StatusCode.REQUEST_TERMINATED, CallRecord.EndedBy.CALLER);
      respond.accept(SipResponse.forRequest(server.request(), StatusCode.REQUEST_TERMINATED));
      return;
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
   * 16.7 step 10 and 9.1: a branch that answered provisionally gets a CANCEL; one that has not yet
   * gets it when it does, and ends now as 487 (the caller is not kept waiting for a device that
   * does not answer).
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

  /** 16.10: a branch that answered provisionally is cancelled with a CANCEL of its own. */
  private void sendCancel(Branch b) {
    try {
      transactions.send(b.cancel(), b.destination, Branch.CANCEL_RESPONSES);
    } catch (RuntimeException e) {
      log.debug("cannot cancel the branch to {}: {}", b.destination.address(), e.toString());
    }
  }

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
