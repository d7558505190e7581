package dev.evertone.registrar;

import dev.evertone.sip.RateLimitedLog;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.Source;
import dev.evertone.sip.uas.UasChecks;
import dev.evertone.sip.uri.SipUri;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes REGISTER requests as RFC 3261 10.3 says, step by step: extensions (Require), the
 * address-of-record from To, digest authentication against the account of that AOR, authorization
 * (an account registers only its own AOR), the contacts with their expiry, Call-ID and CSeq
 * ordering, and the 200 OK that lists every current binding.
 *
 * <p>Anything about an account a stranger could learn from the answers is hidden: the first
 * REGISTER is challenged the same way for every user name, and a wrong password, an unknown user
 * and a locked account all get the same 403.
 */
public final class Registrar {
  private static final Logger log = LoggerFactory.getLogger(Registrar.class);
  private static final Set<String> SUPPORTED = Set.of("path");
  private static final DateTimeFormatter RFC_1123 =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  /** How REGISTER requests ended, for the metrics the status page watches. */
  public enum Outcome {
    REGISTERED("registered"),
    CHALLENGED("challenged"),
    STALE("stale"),
    AUTH_FAILED("auth_failed"),
    BLOCKED("blocked"),
    REJECTED("rejected"),
    ERROR("error");

    final String tag;

    Outcome(String tag) {
      this.tag = tag;
    }
  }

  /** Told how each REGISTER ended and for which domain (the status page's registration monitor). */
  public interface OutcomeListener {
    /**
     * One REGISTER ended.
     *
     * @param account the account the To URI names ({@code user@domain}, the domain lower case);
     *     null when it names none
     * @param domain the host of the To URI, lower case; null when the request had none
     */
    void outcome(Outcome outcome, @Nullable String account, @Nullable String domain);
  }

  /**
   * Makes the bindings of an address-of-record durable before the 200 OK that confirms a new one,
   * so that a crash right after the answer cannot leave a phone that believes it is registered for
   * the next hour unknown to the restarted server. Refreshes need not wait: the binding they extend
   * is stored already.
   */
  public interface Durability {
    /**
     * Completes once the AOR's bindings as they are now are in the store, or the write failed (then
     * the journal keeps them and retries; the answer does not wait for a store that is down).
     */
    CompletableFuture<?> written(String aor);

    /** Memory only (registrar.persist-interval 0s): nothing to wait for. */
    Durability NONE = aor -> CompletableFuture.completedFuture(null);
  }

  private final RegistrarConfig config;
  private final Durability durability;
  private volatile OutcomeListener outcomeListener = (outcome, account, domain) -> {};
  private final LocationService location;
  private final DigestGate gate;
  private final Clock clock;
  private final String serverHeader;
  private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
  private final RateLimitedLog events = new RateLimitedLog(log, 20);
  private final ContactReader contacts = new ContactReader();

  public Registrar(
      RegistrarConfig config,
      LocationService location,
      DigestGate gate,
      Durability durability,
      Clock clock,
      String serverHeader,
      MeterRegistry meters) {
    this.config = config;
    this.durability = durability;
    this.location = location;
    this.gate = gate;
    this.clock = clock;
    this.serverHeader = serverHeader;
    for (Outcome o : Outcome.values()) {
      outcomes.put(
          o,
          Counter.builder("evertone.registrar.requests")
              .tag("outcome", o.tag)
              .description("REGISTER requests by outcome")
              .register(meters));
    }
    location.onExpiry((aor, b) -> events.info(clock.millis(), "binding expired: {} {}", aor, b));
  }

  /** Sets who is told of every REGISTER's outcome. */
  public void onOutcome(OutcomeListener listener) {
    this.outcomeListener = listener;
  }

  public LocationService location() {
    return location;
  }

  /**
   * RFC 5626 6: a flow failed, so the bindings registered over it are removed; a device that
   * reconnects registers again (RFC 5626 4.4.1). Restored bindings, which wait for their device to
   * reconnect, have no flow yet and stay.
   */
  public void flowClosed(Flow flow) {
    if (!flow.transport().isReliable()) {
      return;
    }
    for (Map.Entry<String, Binding> removed : location.removeFlow(flow)) {
      events.info(
          clock.millis(),
          "unregistered {} at <{}>: its {} connection closed",
          removed.getKey(),
          removed.getValue().contact(),
          flow.transport().lowerName());
    }
  }

  /** Handles one REGISTER; the answer may be sent later, from another thread. */
  public void register(ServerTransaction tx) {
    SipRequest request = tx.request();
    try {
      SipResponse.Builder error = UasChecks.check(request, SUPPORTED, Set.of());
      if (error != null) {
        respond(tx, error, Outcome.REJECTED);
        return;
      }
      if (!(request.to().uri() instanceof SipUri to) || to.user() == null) {
        // RFC 4475 3.3.4: the To of a REGISTER must be a SIP or SIPS URI naming the AOR
        respond(
            tx,
            reject(request, "To must be a SIP URI with a user part (the address-of-record)"),
            Outcome.REJECTED);
        return;
      }
      authenticate(tx, request, to);
    } catch (SipParseException e) {
      respond(tx, reject(request, e.reason()), Outcome.REJECTED);
    }
  }

  private void authenticate(ServerTransaction tx, SipRequest request, SipUri to) {
    Source source = tx.source();
    String realm = to.host().toLowerCase(Locale.ROOT);
    // a device that holds a binding from this address may refresh it even while guessing blocks
    // its account or its (shared, NATed) address
    gate.check(
        request,
        source,
        realm,
        DigestGate.Kind.SERVER,
        // the account whose password is checked, not just the AOR the request names
        user ->
            user.equals(to.userUnescaped())
                && location.hasBindingFrom(to.aorKey(), source.remote().getAddress()),
        new DigestGate.Listener() {
          @Override
          public void authenticated(String username) {
            // RFC 3261 10.3 step 4: an account may only change the bindings of its own
            // address-of-record
            if (!username.equals(to.userUnescaped())) {
              log.warn("{}@{} from {} tried to register {}", username, realm, source, to.aorKey());
              respond(
                  tx,
                  SipResponse.forRequest(request, StatusCode.FORBIDDEN)
                      .reason("Forbidden (not your address-of-record)"),
                  Outcome.REJECTED);
              return;
            }
            updateBindings(tx, request, to.aorKey());
          }

          @Override
          public void refused(SipResponse.Builder response, DigestGate.Refusal why) {
            respond(
                tx,
                response,
                switch (why) {
                  case CHALLENGED -> Outcome.CHALLENGED;
                  case STALE -> Outcome.STALE;
                  case AUTH_FAILED -> Outcome.AUTH_FAILED;
                  case BLOCKED -> Outcome.BLOCKED;
                  case REJECTED -> Outcome.REJECTED;
                  case ERROR -> Outcome.ERROR;
                });
          }
        });
  }

  private void updateBindings(ServerTransaction tx, SipRequest request, String aor) {
    long now = clock.millis();
    String callId = request.callId();
    long cseq = request.cseq().number();
    long headerExpires = request.expires();
    boolean wildcard = request.hasWildcardContact();
    if (wildcard && headerExpires != 0) {
      respond(
          tx, reject(request, "Contact: * needs Expires: 0 (RFC 3261 10.2.2)"), Outcome.REJECTED);
      return;
    }
    List<ContactUpdate> updates = new ArrayList<>();
    boolean tooBrief = false;
    for (Address contact : request.contacts()) {
      if (!(contact.uri() instanceof SipUri)) {
        respond(
            tx,
            reject(request, "Contact must be a SIP or SIPS URI: " + contact.uri()),
            Outcome.REJECTED);
        return;
      }
      long expires = contactExpires(contact, headerExpires);
      if (expires > 0 && expires < config.minExpires()) {
        tooBrief = true;
      }
      expires = spread(Math.min(expires, config.maxExpires()));
      updates.add(
          new ContactUpdate(
              contacts.binding(request, tx.source(), contact, expires, now), expires == 0));
    }
    if (tooBrief) {
      // RFC 3261 10.3 step 7: 423 with the shortest interval we accept
      respond(
          tx,
          SipResponse.forRequest(request, StatusCode.INTERVAL_TOO_BRIEF)
              .add(HeaderName.MIN_EXPIRES, config.minExpires()),
          Outcome.REJECTED);
      return;
    }
    List<Binding> current;
    List<String> added = new ArrayList<>(1);
    List<String> removed = new ArrayList<>(1);
    try {
      current =
          location.update(
              aor, live -> apply(live, updates, wildcard, callId, cseq, added, removed));
    } catch (RegistrationRefused e) {
      respond(tx, e.response(request), Outcome.REJECTED);
      return;
    }
    Source source = tx.source();
    for (String contact : added) {
      events.info(now, "registered {} at <{}> from {} ({})", aor, contact, source, uaOf(request));
    }
    for (String contact : removed) {
      events.info(now, "unregistered {} at <{}> from {}", aor, contact, source);
    }
    SipResponse.Builder ok = ok(request, current, now);
    if (added.isEmpty()) {
      respond(tx, ok, Outcome.REGISTERED);
      return;
    }
    // a new binding is in the store before the 200 OK tells the phone it is registered
    CompletableFuture<?> unused =
        durability.written(aor).whenComplete((v, e) -> respond(tx, ok, Outcome.REGISTERED));
  }

  /** RFC 3261 10.3 step 8: the 200 OK lists every binding of the AOR, with the time left. */
  private SipResponse.Builder ok(SipRequest request, List<Binding> current, long now) {
    SipResponse.Builder ok = SipResponse.forRequest(request, StatusCode.OK);
    for (Binding b : current) {
      StringBuilder c =
          new StringBuilder(b.contact().length() + 40).append('<').append(b.contact()).append('>');
      if (b.contactParams() != null) {
        c.append(b.contactParams());
      }
      if (b.qMillis() >= 0) {
        c.append(";q=").append(ContactReader.qText(b.qMillis()));
      }
      c.append(";expires=").append(b.secondsLeft(now));
      ok.add(HeaderName.CONTACT, c);
    }
    ok.add(HeaderName.DATE, date(now));
    // RFC 3327 5.3: the registrar returns the Path it stored
    if (request.has(HeaderName.PATH)) {
      for (String p : request.headerFields(HeaderName.PATH)) {
        ok.add(HeaderName.PATH, p);
      }
    }
    return ok;
  }

  private record DateStamp(long second, String text) {}

  private volatile DateStamp date = new DateStamp(-1, "");

  /** RFC 3261 10.3 step 8: the Date header, formatted once per second. */
  private String date(long now) {
    DateStamp d = date;
    long second = now / 1000;
    if (d.second() != second) {
      d = new DateStamp(second, RFC_1123.format(Instant.ofEpochSecond(second)));
      date = d;
    }
    return d.text();
  }

  private static String uaOf(SipRequest request) {
    String ua = request.userAgent();
    return ua == null ? "no User-Agent" : ua;
  }

  /** The new bindings of the AOR, or a {@link RegistrationRefused} that leaves them unchanged. */
  private List<Binding> apply(
      List<Binding> live,
      List<ContactUpdate> updates,
      boolean wildcard,
      String callId,
      long cseq,
      List<String> added,
      List<String> removed) {
    List<Binding> next = new ArrayList<>(live);
    if (wildcard) {
      for (Binding b : live) {
        checkOrder(b, callId, cseq);
        removed.add(b.contact());
      }
      next.clear();
      return next;
    }
    for (ContactUpdate update : updates) {
      Binding u = update.binding();
      int found = -1;
      for (int i = 0; i < next.size(); i++) {
        if (next.get(i).matches(u.contact(), u.instanceId(), u.regId())) {
          found = i;
          break;
        }
      }
      if (found >= 0) {
        Binding existing = next.get(found);
        checkOrder(existing, callId, cseq);
        if (update.remove()) {
          next.remove(found);
          removed.add(existing.contact());
        } else {
          next.set(found, existing.refreshedBy(u));
        }
      } else if (!update.remove()) {
        if (next.size() >= config.maxContactsPerAor()) {
          throw new RegistrationRefused(
              StatusCode.FORBIDDEN,
              "Forbidden (more than "
                  + config.maxContactsPerAor()
                  + " contacts for this address-of-record)");
        }
        next.add(u);
        added.add(u.contact());
      }
    }
    return next;
  }

  /** RFC 3261 10.3 step 7: same Call-ID needs a higher CSeq, else the request fails. */
  private static void checkOrder(Binding existing, String callId, long cseq) {
    if (existing.callId().equals(callId) && cseq <= existing.cseq()) {
      throw new RegistrationRefused(
          StatusCode.BAD_REQUEST,
          "Bad Request (CSeq "
              + cseq
              + " is not above "
              + existing.cseq()
              + " of the binding: out of order)");
    }
  }

  private long contactExpires(Address contact, long headerExpires) {
    String param = contact.params().raw("expires");
    if (param != null) {
      return SipMessage.parseDeltaSeconds("expires parameter", param);
    }
    return headerExpires >= 0 ? headerExpires : config.defaultExpires();
  }

  /**
   * RFC 3261 10.3 step 7 lets a registrar shorten an expiry: a random part of
   * registrar.expires-range, so that devices that registered at the same moment refresh at
   * different ones (as Kamailio's expires_range does).
   */
  private long spread(long expires) {
    if (expires <= config.minExpires() || config.expiresRangePercent() == 0) {
      return expires;
    }
    long range = expires * config.expiresRangePercent() / 100;
    return Math.max(config.minExpires(), expires - ThreadLocalRandom.current().nextLong(range + 1));
  }

  private SipResponse.Builder reject(SipRequest request, String reason) {
    return gate.reject(request, reason);
  }

  private void respond(ServerTransaction tx, SipResponse.Builder b, Outcome outcome) {
    Objects.requireNonNull(outcomes.get(outcome), "every outcome has its counter").increment();
    SipUri to = toOf(tx.request());
    String domain = to == null ? null : to.host().toLowerCase(Locale.ROOT);
    String user = to == null ? null : to.userUnescaped();
    outcomeListener.outcome(outcome, user == null ? null : user + "@" + domain, domain);
    b.withToTag(TransactionLayer.newTag());
    b.add(HeaderName.SERVER, serverHeader);
    tx.respond(b.build());
  }

  private static @Nullable SipUri toOf(SipRequest request) {
    try {
      return request.to().uri() instanceof SipUri to ? to : null;
    } catch (SipParseException e) {
      return null;
    }
  }

  /** A contact of the REGISTER: the binding it asks for, or its removal (expires 0). */
  private record ContactUpdate(Binding binding, boolean remove) {}

  /** A REGISTER that must fail without changing any binding. */
  private static final class RegistrationRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String reason;

    RegistrationRefused(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
      this.reason = reason;
    }

    SipResponse.Builder response(SipRequest request) {
      return SipResponse.forRequest(request, status).reason(reason);
    }
  }
}
