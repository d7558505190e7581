package dev.evertone.proxy;

import dev.evertone.media.LegStats;
import dev.evertone.media.SessionStats;
import dev.evertone.sip.RateLimitedLog;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.store.calls.CallRecord;
import dev.evertone.store.calls.CallRecordRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call records (CDRs): every call through the proxy, from its initial INVITE to its BYE or its
 * final failure response, written to the store when it ends - off the SIP thread - and counted in
 * {@code evertone.calls{outcome}}. Calls in progress are kept by Call-ID, at most {@code
 * maxInProgress}: past it the oldest is written as ended by the system, so a flood of INVITEs (or
 * calls whose BYE never comes) cannot grow memory without bound.
 */
public final class CallRecords {
  private static final Logger log = LoggerFactory.getLogger(CallRecords.class);
  private static final RateLimitedLog warnings = new RateLimitedLog(log, 10);
  private static final String[] OUTCOMES = {"answered", "busy", "no_answer", "cancelled", "failed"};

  private final @Nullable CallRecordRepository repository;
  private final Executor executor;
  private final MediaAnchor media;
  private final Clock clock;
  private final int maxInProgress;
  private final Map<String, Counter> outcomes = new HashMap<>();
  // insertion order: the oldest call first, the one given up when the map is full
  private final LinkedHashMap<String, InProgress> calls = new LinkedHashMap<>();
  private volatile @Nullable Consumer<Active> onAnswered;

  /**
   * A call in progress as features see it (a recording names its parties with it).
   *
   * @param caller the caller's address (From URI without parameters)
   * @param callee the address called (To URI without parameters)
   * @param answeredAt null while it rings
   */
  public record Active(
      String callId,
      String domain,
      String caller,
      String callee,
      Instant setupAt,
      @Nullable Instant answeredAt) {}

  /** A call between its INVITE and its end. Guarded by the CallRecords. */
  private static final class InProgress {
    final String callId;
    final String domain;
    final String caller;
    final String callee;
    final @Nullable String callerTag;
    final Instant setupAt;
    @Nullable String trunk;
    CallRecord.Direction direction = CallRecord.Direction.INTERNAL;
    @Nullable Instant answeredAt;

    InProgress(SipRequest invite, String domain, Instant setupAt) {
      this.callId = invite.callId();
      this.domain = domain;
      this.caller = address(invite.from());
      this.callee = address(invite.to());
      this.callerTag = invite.from().tag();
      this.setupAt = setupAt;
    }
  }

  private CallRecords(
      @Nullable CallRecordRepository repository,
      Executor executor,
      MediaAnchor media,
      @Nullable MeterRegistry meters,
      Clock clock,
      int maxInProgress) {
    this.repository = repository;
    this.executor = executor;
    this.media = media;
    this.clock = clock;
    this.maxInProgress = maxInProgress;
    if (meters != null) {
      for (String outcome : OUTCOMES) {
        outcomes.put(
            outcome,
            Counter.builder("evertone.calls")
                .description("calls that ended, by outcome")
                .tag("outcome", outcome)
                .register(meters));
      }
    }
  }

  /**
   * Records written to {@code repository} on {@code executor} (a store thread), with the relay's
   * measurements from {@code media}.
   */
  public static CallRecords to(
      CallRecordRepository repository,
      Executor executor,
      MediaAnchor media,
      MeterRegistry meters,
      Clock clock,
      int maxInProgress) {
    return new CallRecords(repository, executor, media, meters, clock, maxInProgress);
  }

  /** No records (a proxy in tests that need none). */
  public static CallRecords none() {
    return new CallRecords(null, Runnable::run, MediaAnchor.direct(), null, Clock.systemUTC(), 1);
  }

  /** An initial INVITE of {@code domain} arrived: its call starts. Other requests are ignored. */
  void started(SipRequest request, String domain) {
    if (repository == null || !request.isMethod(Method.INVITE) || request.to().tag() != null) {
      return;
    }
    InProgress call = new InProgress(request, domain, clock.instant());
    InProgress givenUp = null;
    synchronized (this) {
      if (calls.containsKey(call.callId)) {
        return; // the same INVITE again (a spiral, another stage): one record per call
      }
      if (calls.size() >= maxInProgress) {
        Iterator<InProgress> oldest = calls.values().iterator();
        givenUp = oldest.next();
        oldest.remove();
      }
      calls.put(call.callId, call);
    }
    if (givenUp != null) {
      warnings.warn(
          clock.millis(),
          "{} calls in progress (proxy.call-records.max-in-progress): the record of call {} is"
              + " closed early",
          maxInProgress,
          givenUp.callId);
      write(
          givenUp,
          givenUp.answeredAt == null ? StatusCode.REQUEST_TIMEOUT : StatusCode.OK,
          null,
          null);
    }
  }

  /** The call goes out through, or came in from, a carrier's trunk. */
  synchronized void trunk(String callId, String trunk, CallRecord.Direction direction) {
    InProgress call = calls.get(callId);
    if (call != null) {
      call.trunk = trunk;
      call.direction = direction;
    }
  }

  /** A 2xx to {@code request} goes back to the caller: an initial INVITE's call is answered. */
  void answered(SipRequest request) {
    Active answered = null;
    synchronized (this) {
      InProgress call = calls.get(request.callId());
      if (call != null && call.answeredAt == null && request.isMethod(Method.INVITE)) {
        call.answeredAt = clock.instant();
        answered = active(call);
      }
    }
    Consumer<Active> listener = onAnswered;
    if (answered != null && listener != null) {
      try {
        listener.accept(answered);
      } catch (RuntimeException e) {
        warnings.warn(
            clock.millis(),
            "call {}: a listener of answered calls failed: {}",
            answered.callId(),
            e);
      }
    }
  }

  /**
   * Tells {@code listener} of each call answered, on the SIP thread that passed the 2xx (it hands
   * anything slow to another thread).
   */
  public void onAnswered(Consumer<Active> listener) {
    this.onAnswered = listener;
  }

  /** Call {@code callId}, while it is in progress. */
  public synchronized Optional<Active> active(String callId) {
    InProgress call = calls.get(callId);
    return call == null ? Optional.empty() : Optional.of(active(call));
  }

  private static Active active(InProgress call) {
    return new Active(
        call.callId, call.domain, call.caller, call.callee, call.setupAt, call.answeredAt);
  }

  /**
   * The caller gets a final failure response {@code status} to {@code request}: an initial INVITE's
   * call ends unanswered.
   */
  void failed(SipRequest request, int status, CallRecord.EndedBy by) {
    if (!request.isMethod(Method.INVITE) || request.to().tag() != null) {
      return;
    }
    InProgress call;
    synchronized (this) {
      call = calls.get(request.callId());
      if (call == null || call.answeredAt != null) {
        return; // a late failure of a forked branch after another answered: the call goes on
      }
      calls.remove(request.callId());
    }
    write(call, status, by, null);
  }

  /**
   * A BYE passes: its sender hung up. Called before the relay session is closed, so its
   * measurements are still there.
   */
  void bye(SipRequest request) {
    if (!request.isMethod(Method.BYE)) {
      return;
    }
    InProgress call;
    synchronized (this) {
      call = calls.remove(request.callId());
    }
    if (call == null) {
      return;
    }
    String tag = request.from().tag();
    CallRecord.EndedBy by =
        tag != null && tag.equals(call.callerTag)
            ? CallRecord.EndedBy.CALLER
            : CallRecord.EndedBy.CALLEE;
    SessionStats stats = media.stats(call.callId).orElse(null);
    write(
        call,
        call.answeredAt != null ? StatusCode.OK : StatusCode.REQUEST_TERMINATED,
        by,
        stats == null ? null : quality(stats));
  }

  private void write(
      InProgress call,
      int status,
      CallRecord.@Nullable EndedBy by,
      CallRecord.@Nullable Quality quality) {
    CallRecordRepository store = repository;
    if (store == null) {
      return;
    }
    CallRecord record =
        new CallRecord(
            0,
            call.callId,
            call.domain,
            call.caller,
            call.callee,
            call.trunk,
            call.direction,
            call.setupAt,
            call.answeredAt,
            clock.instant(),
            status,
            by == null ? CallRecord.EndedBy.SYSTEM : by,
            quality);
    Counter counter = outcomes.get(record.outcome());
    if (counter != null) {
      counter.increment();
    }
    try {
      executor.execute(() -> add(store, record));
    } catch (RejectedExecutionException e) {
      log.debug("call {}: not recorded, the node is stopping", call.callId);
    }
  }

  private void add(CallRecordRepository store, CallRecord record) {
    try {
      store.add(record);
    } catch (RuntimeException e) {
      warnings.warn(
          clock.millis(), "call {}: its record was not stored: {}", record.callId(), e.toString());
    }
  }

  /** The relay's measurements: "caller" is what the caller's leg received from the caller. */
  static CallRecord.Quality quality(SessionStats stats) {
    LegStats a = stats.a();
    LegStats b = stats.b();
    return new CallRecord.Quality(
        a.packetsReceived(),
        b.packetsReceived(),
        a.lost(),
        b.lost(),
        a.jitterMs(),
        b.jitterMs(),
        Math.min(a.mos(), b.mos()));
  }

  /** Deletes the records older than {@code retention}; returns how many. */
  public int expire(Duration retention) {
    CallRecordRepository store = repository;
    return store == null ? 0 : store.deleteBefore(clock.instant().minus(retention));
  }

  /** How many calls are in progress now. */
  public synchronized int inProgress() {
    return calls.size();
  }

  /** A party as the record names it: the URI without parameters, lower-case host. */
  static String address(Address a) {
    if (a.uri() instanceof SipUri u) {
      SipUri bare = u.bare();
      return bare.user() == null
          ? bare.scheme() + ":" + bare.host().toLowerCase(Locale.ROOT)
          : bare.scheme() + ":" + bare.user() + "@" + bare.host().toLowerCase(Locale.ROOT);
    }
    return a.uri().toString();
  }
}
