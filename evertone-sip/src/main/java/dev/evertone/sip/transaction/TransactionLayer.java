package dev.evertone.sip.transaction;

import dev.evertone.sip.Randomness;
import dev.evertone.sip.header.Via;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.InboundListener;
import dev.evertone.sip.transport.SipTransport;
import dev.evertone.sip.transport.Source;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The transaction layer (RFC 3261 17): matches received requests to server transactions and
 * received responses to client transactions, creates new transactions, and hands what is new to the
 * transaction user. Thread-safe; the transport may call it from several I/O threads.
 */
public final class TransactionLayer implements InboundListener {

  private final SipTransport transport;
  private final TimerService scheduler;
  private final TimerConfig timers;
  private final TransactionUser user;
  // Sized for a busy registrar: every REGISTER over UDP stays 32 s (Timer J); avoids resizing under
  // load.
  private final ConcurrentHashMap<String, ServerTransaction> server =
      new ConcurrentHashMap<>(1 << 16);
  private final ConcurrentHashMap<String, ClientTransaction> client = new ConcurrentHashMap<>();
  private final CompletedResponses completed;
  private final Counter absorbed;
  private final Counter retransmittedResponses;
  private final Counter retransmittedRequests;
  private final Counter strayResponses;

  /** A layer whose Timer J store may use up to 256 MiB. */
  public TransactionLayer(
      SipTransport transport,
      TimerService scheduler,
      TimerConfig timers,
      TransactionUser user,
      MeterRegistry meters) {
    this(transport, scheduler, timers, user, meters, DEFAULT_COMPLETED_BYTES);
  }

  /** The default memory for responses kept for Timer J: 10,000 REGISTERs a second for 32 s. */
  public static final long DEFAULT_COMPLETED_BYTES = 256L << 20;

  /**
   * @param completedBytes memory for the final responses of completed UDP non-INVITE transactions
   *     kept for Timer J; when full, the oldest are forgotten early (metric
   *     evertone.sip.completed.evicted)
   */
  public TransactionLayer(
      SipTransport transport,
      TimerService scheduler,
      TimerConfig timers,
      TransactionUser user,
      MeterRegistry meters,
      long completedBytes) {
    this(transport, scheduler, timers, layer -> user, meters, completedBytes);
  }

  /**
   * As above, for a transaction user that sends requests through this layer (a proxy): {@code
   * users} makes it from the layer, once, before any message can arrive; no setter closes the cycle
   * later.
   */
  public TransactionLayer(
      SipTransport transport,
      TimerService scheduler,
      TimerConfig timers,
      Function<TransactionLayer, TransactionUser> users,
      MeterRegistry meters,
      long completedBytes) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.timers = timers;
    this.completed = new CompletedResponses(timers.timeout(), completedBytes, scheduler.now());
    Gauge.builder("evertone.sip.transactions", completed, CompletedResponses::size)
        .tag("side", "server-completed")
        .description("Completed non-INVITE server transactions over UDP kept for Timer J")
        .register(meters);
    Gauge.builder("evertone.sip.completed.evicted", completed, CompletedResponses::evicted)
        .description("Times the Timer J store was full and forgot responses early")
        .register(meters);
    Gauge.builder("evertone.sip.transactions", server, ConcurrentHashMap::size)
        .tag("side", "server")
        .description("Live server transactions")
        .register(meters);
    Gauge.builder("evertone.sip.transactions", client, ConcurrentHashMap::size)
        .tag("side", "client")
        .description("Live client transactions")
        .register(meters);
    absorbed =
        Counter.builder("evertone.sip.retransmissions.absorbed")
            .description("Retransmitted requests and ACKs absorbed by a transaction")
            .register(meters);
    retransmittedResponses =
        Counter.builder("evertone.sip.retransmissions.sent")
            .tag("kind", "response")
            .description("Responses sent again")
            .register(meters);
    retransmittedRequests =
        Counter.builder("evertone.sip.retransmissions.sent")
            .tag("kind", "request")
            .description("Requests sent again")
            .register(meters);
    strayResponses =
        Counter.builder("evertone.sip.responses.unmatched")
            .description("Responses that matched no client transaction")
            .register(meters);
    this.user = users.apply(this); // last: the user may keep this layer, which is complete now
  }

  SipTransport transport() {
    return transport;
  }

  /**
   * The timers the transactions run on; a transaction user may schedule its own (a proxy's Timer
   * C).
   */
  public TimerService scheduler() {
    return scheduler;
  }

  public TimerConfig timers() {
    return timers;
  }

  TransactionUser user() {
    return user;
  }

  /** A validated request from the transport layer. */
  @Override
  public void onRequest(SipRequest request, Source source) {
    String method = request.method();
    if (method.equals(Method.ACK)) {
      ServerTransaction tx = server.get(serverKey(request, Method.INVITE));
      if (tx instanceof InviteServerTransaction invite) {
        invite.onAck();
      } else {
        user.onAckWithoutTransaction(request, source);
      }
      return;
    }
    String key = serverKey(request, method);
    ServerTransaction existing = server.get(key);
    if (existing != null) {
      existing.onRetransmission();
      return;
    }
    if (!source.transport().isReliable()) {
      CompletedResponses.Kept kept = completed.find(key, scheduler.now());
      if (kept != null) {
        // a retransmission in Completed: the same final response again (RFC 3261 17.2.2)
        retransmittedResponses.increment();
        kept.flow().send(kept.response(), kept.destination(), Flow.SendFailureHandler.IGNORE);
        return;
      }
    }
    ServerTransaction tx =
        method.equals(Method.INVITE)
            ? new InviteServerTransaction(this, key, request, source)
            : new NonInviteServerTransaction(this, key, request, source);
    existing = server.putIfAbsent(key, tx);
    if (existing != null) {
      tx.terminate();
      existing.onRetransmission();
      return;
    }
    if (method.equals(Method.CANCEL)) {
      onCancel((NonInviteServerTransaction) tx, request);
      return;
    }
    user.onRequest(tx, request);
  }

  /**
   * RFC 3261 9.2: a CANCEL is answered 481 if it matches no INVITE transaction, else 200; the TU
   * then ends the INVITE with 487 if it has not answered it yet.
   */
  private void onCancel(NonInviteServerTransaction cancelTx, SipRequest cancel) {
    ServerTransaction target = server.get(serverKey(cancel, Method.INVITE));
    if (!(target instanceof InviteServerTransaction invite)) {
      cancelTx.respond(
          SipResponse.forRequest(cancel, StatusCode.CALL_DOES_NOT_EXIST)
              .withToTag(newTag())
              .build());
      return;
    }
    cancelTx.respond(SipResponse.forRequest(cancel, StatusCode.OK).withToTag(newTag()).build());
    if (!invite.isCompleted()) {
      user.onCancel(invite, cancel);
    }
  }

  /** A stream connection closed: the transaction user forgets what it reached through it. */
  @Override
  public void onFlowClosed(Flow flow) {
    user.onFlowClosed(flow);
  }

  /** A validated response from the transport layer. */
  @Override
  public void onResponse(SipResponse response, Source source) {
    Via top = response.topVia();
    String branch = top.branch();
    ClientTransaction tx =
        branch == null ? null : client.get(clientKey(branch, response.cseq().method()));
    if (tx == null) {
      strayResponses.increment();
      user.onResponseWithoutTransaction(response, source);
      return;
    }
    tx.onResponse(response);
  }

  /**
   * Starts a client transaction for {@code request}, whose top Via must carry a fresh RFC 3261
   * branch ({@link #newBranch()}).
   */
  public ClientTransaction send(
      SipRequest request, Destination destination, ClientTransaction.Listener listener) {
    String branch = request.topVia().branch();
    if (branch == null || !request.topVia().hasRfc3261Branch()) {
      throw new IllegalArgumentException(
          "a client transaction needs an RFC 3261 branch in its top Via");
    }
    String key = clientKey(branch, request.method());
    ClientTransaction tx =
        request.isMethod(Method.INVITE)
            ? new InviteClientTransaction(this, key, request, destination, listener)
            : new NonInviteClientTransaction(this, key, request, destination, listener);
    if (client.putIfAbsent(key, tx) != null) {
      throw new IllegalStateException("branch already in use: " + branch);
    }
    tx.start();
    return tx;
  }

  /**
   * Sends a request outside any transaction: an ACK for a 2xx, which is end-to-end (RFC 3261 16.11,
   * 17.1.1.3). Failures are ignored: the sender retransmits the ACK when the 2xx comes again.
   */
  public void sendStateless(SipRequest request, Destination destination) {
    transport.sendRequest(request, destination, Flow.SendFailureHandler.IGNORE);
  }

  /**
   * A non-INVITE server transaction over UDP sent its final response: keep it answerable until
   * Timer J.
   */
  void completeOverUdp(NonInviteServerTransaction tx) {
    SipTransport.SentResponse sent = tx.lastSent();
    if (sent.destination() != null) {
      completed.put(tx.key, sent.bytes(), sent.flow(), sent.destination(), scheduler.now());
    }
    server.remove(tx.key, tx);
  }

  void remove(ServerTransaction tx) {
    server.remove(tx.key, tx);
  }

  void remove(ClientTransaction tx) {
    client.remove(tx.key, tx);
  }

  void absorbedRetransmission() {
    absorbed.increment();
  }

  void retransmittedResponse() {
    retransmittedResponses.increment();
  }

  void retransmittedRequest() {
    retransmittedRequests.increment();
  }

  public int serverTransactions() {
    return server.size();
  }

  public int clientTransactions() {
    return client.size();
  }

  /**
   * RFC 3261 17.2.3: with an RFC 3261 branch, a request matches by branch, sent-by and method (ACK
   * and CANCEL are looked up under INVITE by the caller). Without one (RFC 2543 peers, or a branch
   * that is only the magic cookie, RFC 4475 3.2.1), it matches by Request-URI, From tag, Call-ID,
   * CSeq and top Via.
   */
  static String serverKey(SipRequest request, String method) {
    Via top = request.topVia();
    if (top.hasRfc3261Branch()) {
      return top.branch() + '|' + top.sentBy() + '|' + method;
    }
    String fromTag = request.from().tag();
    return "2543|"
        + request.requestUri()
        + '|'
        + (fromTag == null ? "" : fromTag)
        + '|'
        + request.callId()
        + '|'
        + request.cseq().number()
        + '|'
        + method
        + '|'
        + top.sentBy()
        + '|'
        + top.branch();
  }

  /** RFC 3261 17.1.3: a response matches by the branch of its top Via and the CSeq method. */
  static String clientKey(String branch, String method) {
    return branch + '|' + method;
  }

  /** A new RFC 3261 branch: the magic cookie and 64 random bits. */
  public static String newBranch() {
    return Via.MAGIC_COOKIE + Long.toHexString(Randomness.nextLong() | Long.MIN_VALUE);
  }

  /** A new To/From tag: 64 random bits. */
  public static String newTag() {
    return Randomness.tag();
  }
}
