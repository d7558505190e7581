package dev.evertone.proxy;

import dev.evertone.registrar.BindingReach;
import dev.evertone.sip.SipSockets;
import dev.evertone.sip.auth.DigestClient;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transaction.ClientTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.store.routing.Trunk;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * evertone as a registering client of its carriers (RFC 3261 10.2): a trunk with a register
 * interval gets a REGISTER for its account, answered challenges included, refreshed before it
 * expires, so that a carrier that delivers calls only to a registered contact delivers them here. A
 * trunk removed or changed is unregistered. {@link #tick()} runs every second and compares the
 * registrations with the trunks.
 */
public final class CarrierRegistrations {
  private static final Logger log = LoggerFactory.getLogger(CarrierRegistrations.class);

  private final RoutingTable routing;
  private final TransactionLayer transactions;
  private final SipSockets listenAddress;
  private final Clock clock;
  private final String userAgent;
  private final long retryMillis;
  private final Map<String, Registration> registrations = new ConcurrentHashMap<>();

  /**
   * A registering client of the trunks {@code routing} holds.
   *
   * @param retryAfterFailure after a failure, the wait before the next attempt; RFC 3261 10.2.5
   *     leaves it to the client, carriers dislike bursts
   */
  public CarrierRegistrations(
      RoutingTable routing,
      TransactionLayer transactions,
      SipSockets listenAddress,
      Clock clock,
      String userAgent,
      Duration retryAfterFailure,
      MeterRegistry meters) {
    this.routing = routing;
    this.transactions = transactions;
    this.listenAddress = listenAddress;
    this.clock = clock;
    this.userAgent = userAgent;
    this.retryMillis = retryAfterFailure.toMillis();
    Gauge.builder("evertone.routing.carrier.registrations", this, r -> r.count(true))
        .tag("state", "registered")
        .description("Registrations of evertone at its carriers, by state")
        .register(meters);
    Gauge.builder("evertone.routing.carrier.registrations", this, r -> r.count(false))
        .tag("state", "not-registered")
        .description("Registrations of evertone at its carriers, by state")
        .register(meters);
  }

  private long count(boolean registered) {
    return registrations.values().stream().filter(r -> r.registered() == registered).count();
  }

  /** Whether the trunk's account is registered now (for logs and tests). */
  public boolean isRegistered(String domain, String trunk) {
    Registration r = registrations.get(trunk + "@" + domain);
    return r != null && r.registered();
  }

  /** Starts, refreshes and ends registrations as the trunks say. */
  public void tick() {
    Map<String, Account> wanted = new HashMap<>();
    for (RoutingTable.Route route : routing.allTrunks()) {
      Trunk t = route.trunk();
      String username = t.username();
      InetSocketAddress address = route.address();
      if (t.registerInterval() > 0 && username != null && address != null) {
        wanted.put(t.name() + "@" + t.domain(), new Account(route, address, username));
      }
    }
    registrations.forEach(
        (key, r) -> {
          Account now = wanted.get(key);
          if (now == null || !now.route().equals(r.route)) {
            registrations.remove(key, r);
            r.end();
          }
        });
    long nowMillis = clock.millis();
    wanted.forEach(
        (key, account) ->
            registrations.computeIfAbsent(key, k -> new Registration(account)).due(nowMillis));
  }

  /** A trunk that registers: its carrier's address and evertone's account there. */
  private record Account(RoutingTable.Route route, InetSocketAddress address, String username) {}

  /**
   * One account at one carrier: a Call-ID kept across refreshes (RFC 3261 10.2.4), a CSeq that only
   * grows.
   */
  private final class Registration implements ClientTransaction.Listener {
    final RoutingTable.Route route;
    final InetSocketAddress address;
    final String username;
    final String callId = TransactionLayer.newTag() + "@evertone";
    final String fromTag = TransactionLayer.newTag();
    int cseq;
    long nextAt;
    boolean registered;
    boolean sending;
    boolean challengeAnswered;
    boolean ended;
    @Nullable String lastFailure;

    Registration(Account account) {
      this.route = account.route();
      this.address = account.address();
      this.username = account.username();
    }

    synchronized boolean registered() {
      return registered;
    }

    synchronized void due(long now) {
      if (!ended && !sending && now >= nextAt) {
        challengeAnswered = false;
        send(route.trunk().registerInterval(), null);
      }
    }

    /** Unregisters (Expires 0) a trunk that was removed or changed. */
    synchronized void end() {
      ended = true;
      if (registered) {
        registered = false;
        send(0, null);
      }
    }

    /** Sends a REGISTER; {@code credentials} answers the challenge of the previous one. */
    private void send(int expires, DigestClient.@Nullable Answer credentials) {
      Trunk t = route.trunk();
      TransportType transport = "tcp".equals(t.transport()) ? TransportType.TCP : TransportType.UDP;
      Destination to = Destination.of(transport, address);
      if (!(BindingReach.of(to, listenAddress) instanceof BindingReach.Reachable reach)) {
        failed("evertone does not listen on " + t.transport());
        return;
      }
      String host = BindingReach.hostPort(address);
      String aor = "sip:" + username + "@" + t.host();
      SipRequest.Builder r =
          SipRequest.builder(
                  Method.REGISTER,
                  SipUri.parse(
                      "sip:" + host + (transport == TransportType.TCP ? ";transport=tcp" : "")))
              .add(HeaderName.VIA, reach.via(transport, TransactionLayer.newBranch()))
              .add(HeaderName.MAX_FORWARDS, "70")
              .add(HeaderName.FROM, "<" + aor + ">;tag=" + fromTag)
              .add(HeaderName.TO, "<" + aor + ">")
              .add(HeaderName.CALL_ID, callId)
              .add(HeaderName.CSEQ, ++cseq + " " + Method.REGISTER)
              .add(
                  HeaderName.CONTACT,
                  "<sip:"
                      + username
                      + "@"
                      + reach.sentBy()
                      + (transport == TransportType.TCP ? ";transport=tcp" : "")
                      + ">")
              .add(HeaderName.EXPIRES, Integer.toString(expires))
              .add(HeaderName.USER_AGENT, userAgent);
      if (credentials != null) {
        r.add(credentials.header(), credentials.value());
      }
      sending = expires > 0;
      try {
        transactions.send(r.build(), to, this);
      } catch (RuntimeException e) {
        failed(e.toString());
      }
    }

    @Override
    public void onResponse(ClientTransaction tx, SipResponse response) {
      if (response.isProvisional()) {
        return;
      }
      synchronized (this) {
        if (tx.request().expires() == 0 || ended) {
          return; // the answer to an unregistration
        }
        int status = response.status();
        if (response.isSuccess()) {
          long granted = grantedSeconds(response, tx.request());
          boolean first = !registered;
          registered = true;
          sending = false;
          lastFailure = null;
          // refresh well before it expires, as phones do, but never more often than every 30 s
          nextAt = clock.millis() + Math.max(30, granted * 8 / 10) * 1000;
          if (first) {
            log.info(
                "registered {} at trunk {} of {} ({}) for {} s",
                username,
                route.trunk().name(),
                route.trunk().domain(),
                address,
                granted);
          }
          return;
        }
        if ((status == StatusCode.UNAUTHORIZED
                || status == StatusCode.PROXY_AUTHENTICATION_REQUIRED)
            && !challengeAnswered
            && route.secret() != null) {
          DigestClient.Answer a =
              DigestClient.answer(
                  response,
                  Method.REGISTER,
                  tx.request().requestUri().toString(),
                  username,
                  route.secret());
          if (a != null) {
            challengeAnswered = true;
            send(route.trunk().registerInterval(), a);
            return;
          }
        }
        failed(status + " " + response.reason());
      }
    }

    /**
     * The interval the carrier granted: our Contact's expires, else Expires, else what was asked.
     */
    private long grantedSeconds(SipResponse response, SipRequest request) {
      String ours =
          request.contacts().isEmpty() ? null : request.contacts().get(0).uri().toString();
      for (Address c : response.contacts()) {
        String e = c.param("expires");
        if (ours != null && c.uri().toString().equals(ours) && e != null && e.matches("\\d{1,9}")) {
          return Long.parseLong(e);
        }
      }
      long header = response.expires();
      return header >= 0 ? header : request.expires();
    }

    @Override
    public void onTimeout(ClientTransaction tx) {
      synchronized (this) {
        failed("no answer");
      }
    }

    @Override
    public void onTransportError(ClientTransaction tx, Throwable cause) {
      synchronized (this) {
        failed(cause.toString());
      }
    }

    /** Lock held. */
    private void failed(String why) {
      boolean wasRegistered = registered;
      registered = false;
      sending = false;
      nextAt = clock.millis() + retryMillis;
      if (wasRegistered || !why.equals(lastFailure)) {
        log.warn(
            "cannot register {} at trunk {} of {} ({}): {}; trying again in {} s",
            username,
            route.trunk().name(),
            route.trunk().domain(),
            address,
            why,
            retryMillis / 1000);
      }
      lastFailure = why;
    }
  }

  /** Unregisters everything (at shutdown); returns how many registrations were ended. */
  public int close() {
    List<Registration> all = List.copyOf(registrations.values());
    registrations.clear();
    all.forEach(Registration::end);
    return all.size();
  }
}
