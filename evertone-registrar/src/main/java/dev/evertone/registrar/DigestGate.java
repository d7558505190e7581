package dev.evertone.registrar;

import dev.evertone.sip.RateLimitedLog;
import dev.evertone.sip.auth.DigestAuthenticator;
import dev.evertone.sip.auth.DigestCredentials;
import dev.evertone.sip.header.AuthHeader;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transport.Source;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Digest authentication of a device's request against the account of the realm it names (RFC 3261
 * 22, RFC 7616, RFC 8760), the same for the registrar (401 with WWW-Authenticate, credentials in
 * Authorization) and the proxy (407 with Proxy-Authenticate, credentials in Proxy-Authorization):
 * stateless nonces, stale nonces, the previous secret within its grace window, and the guessing
 * limits per source and per account.
 *
 * <p>Nothing a stranger could learn about accounts differs between answers: a request without
 * credentials is challenged the same way for every user name, and a wrong password, an unknown user
 * and a locked account all get the same 403.
 */
public final class DigestGate {
  private static final Logger log = LoggerFactory.getLogger(DigestGate.class);

  /** Which side of RFC 3261 22 asks. */
  public enum Kind {
    /** A registrar or user agent server: 401, WWW-Authenticate, Authorization. */
    SERVER(StatusCode.UNAUTHORIZED, HeaderName.AUTHORIZATION, HeaderName.WWW_AUTHENTICATE),
    /** A proxy: 407, Proxy-Authenticate, Proxy-Authorization (RFC 3261 22.3). */
    PROXY(
        StatusCode.PROXY_AUTHENTICATION_REQUIRED,
        HeaderName.PROXY_AUTHORIZATION,
        HeaderName.PROXY_AUTHENTICATE);

    final int challengeStatus;
    final String credentialsHeader;
    final String challengeHeader;

    Kind(int challengeStatus, String credentialsHeader, String challengeHeader) {
      this.challengeStatus = challengeStatus;
      this.credentialsHeader = credentialsHeader;
      this.challengeHeader = challengeHeader;
    }
  }

  /** Why a request did not get through. */
  public enum Refusal {
    CHALLENGED,
    STALE,
    AUTH_FAILED,
    BLOCKED,
    REJECTED,
    ERROR
  }

  /**
   * Told how a check ended, once, possibly on another thread (the credentials may come from the
   * store).
   */
  public interface Listener {
    /** The request carries valid credentials of {@code username}. */
    void authenticated(String username);

    /**
     * The request is answered with {@code response} (a challenge, 403, 400 or 500) and goes no
     * further.
     */
    void refused(SipResponse.Builder response, Refusal why);
  }

  private final CredentialCache credentials;
  private final DigestAuthenticator authenticator;
  private final AuthGuard guard;
  private final Clock clock;
  private final String warnAgent;
  private final Counter previousSecretUsed;
  private final RateLimitedLog events = new RateLimitedLog(log, 20);

  public DigestGate(
      CredentialCache credentials,
      DigestAuthenticator authenticator,
      AuthGuard guard,
      Clock clock,
      String warnAgent,
      MeterRegistry meters) {
    this.credentials = credentials;
    this.authenticator = authenticator;
    this.guard = guard;
    this.clock = clock;
    this.warnAgent = warnAgent;
    this.previousSecretUsed =
        Counter.builder("evertone.registrar.previous.secret")
            .description(
                "authentications that succeeded with a line's previous secret, within its grace window")
            .register(meters);
  }

  /**
   * Checks {@code request} for credentials of {@code realm}.
   *
   * @param holdsBinding for a source or an account blocked by failed attempts (given the user name
   *     the credentials name): whether the sender's address holds a live binding of that account;
   *     if so its request is still checked, so that guessing from elsewhere (or from other devices
   *     behind the same office NAT) cannot lock a registered device out
   * @throws SipParseException when the request's authorization headers cannot be read (answer 400)
   */
  public void check(
      SipRequest request,
      Source source,
      String realm,
      Kind kind,
      Predicate<String> holdsBinding,
      Listener then) {
    AuthHeader header = null;
    for (AuthHeader h : request.authHeaders(kind.credentialsHeader)) {
      if (h.isDigest() && realm.equals(h.param("realm"))) {
        header = h;
        break;
      }
    }
    if (header == null) {
      // RFC 3261 22.1: no credentials for our realm (or an unknown scheme, RFC 4475 3.3.7):
      // challenge; a challenge costs nothing and tells nothing, even to a blocked source
      then.refused(challenge(request, source, realm, kind, false), Refusal.CHALLENGED);
      return;
    }
    DigestCredentials creds;
    try {
      creds = DigestCredentials.from(header);
    } catch (DigestCredentials.Unusable e) {
      if (e.malformed()) {
        then.refused(
            reject(request, Objects.requireNonNullElse(e.getMessage(), "unusable credentials")),
            Refusal.REJECTED);
      } else {
        then.refused(challenge(request, source, realm, kind, false), Refusal.CHALLENGED);
      }
      return;
    }
    String account = creds.username() + "@" + realm;
    String user = creds.username();
    if (guard.refuses(source.remoteIp(), account, () -> holdsBinding.test(user))) {
      then.refused(SipResponse.forRequest(request, StatusCode.FORBIDDEN), Refusal.BLOCKED);
      return;
    }
    // every outcome reaches the listener, and the action catches what it throws: the future
    // whenComplete returns has nothing more to tell
    CompletableFuture<?> unused =
        credentials
            .lookup(realm, creds.username())
            .whenComplete(
                (secrets, failure) -> {
                  try {
                    if (failure != null) {
                      log.error(
                          "cannot load the credentials of {}: {}", account, failure.toString());
                      then.refused(
                          SipResponse.forRequest(request, StatusCode.SERVER_INTERNAL_ERROR)
                              .add(HeaderName.RETRY_AFTER, "5"),
                          Refusal.ERROR);
                      return;
                    }
                    verify(request, source, realm, kind, creds, secrets, then);
                  } catch (SipParseException e) {
                    then.refused(reject(request, e.reason()), Refusal.REJECTED);
                  } catch (RuntimeException e) {
                    log.error("{} of {} failed", request.method(), account, e);
                    then.refused(
                        SipResponse.forRequest(request, StatusCode.SERVER_INTERNAL_ERROR),
                        Refusal.ERROR);
                  }
                });
  }

  private void verify(
      SipRequest request,
      Source source,
      String realm,
      Kind kind,
      DigestCredentials creds,
      Optional<AccountSecrets> secrets,
      Listener then) {
    String ha1 = secrets.map(s -> s.ha1(creds.algorithm())).orElse(null);
    String ip = source.remoteIp();
    DigestAuthenticator.Verdict verdict =
        authenticator.verify(creds, request.method(), realm, ip, ha1);
    if (verdict == DigestAuthenticator.Verdict.WRONG && secrets.isPresent()) {
      // grace window: a device not yet re-provisioned after a change may still use the secret it
      // holds
      String previous = secrets.get().previousHa1(creds.algorithm(), clock.millis());
      if (previous != null) {
        verdict = authenticator.verify(creds, request.method(), realm, ip, previous);
        if (verdict == DigestAuthenticator.Verdict.OK) {
          previousSecretUsed.increment();
          events.warn(
              clock.millis(),
              "{}@{} from {} authenticated with its previous secret, accepted until {}; re-provision the device",
              creds.username(),
              realm,
              source,
              Instant.ofEpochMilli(secrets.get().previousUntil()));
        }
      }
    }
    switch (verdict) {
      case NOT_APPLICABLE ->
          then.refused(challenge(request, source, realm, kind, false), Refusal.CHALLENGED);
      case STALE -> then.refused(challenge(request, source, realm, kind, true), Refusal.STALE);
      case WRONG -> {
        String ua = request.userAgent();
        guard.failed(
            creds.username() + "@" + realm,
            source.remoteIp(),
            source.remotePort(),
            source.transport().lowerName(),
            secrets.isPresent() ? "wrong password" : "unknown user",
            ua == null ? "" : ua);
        then.refused(SipResponse.forRequest(request, StatusCode.FORBIDDEN), Refusal.AUTH_FAILED);
      }
      case OK -> then.authenticated(creds.username());
    }
  }

  private SipResponse.Builder challenge(
      SipRequest request, Source source, String realm, Kind kind, boolean stale) {
    SipResponse.Builder b = SipResponse.forRequest(request, kind.challengeStatus);
    for (String c : authenticator.challenges(realm, source.remoteIp(), stale)) {
      b.add(kind.challengeHeader, c);
    }
    return b;
  }

  /** A 400 whose Warning says what is wrong with the request (RFC 3261 20.43). */
  public SipResponse.Builder reject(SipRequest request, String reason) {
    return SipResponse.forRequest(request, StatusCode.BAD_REQUEST)
        .add(HeaderName.WARNING, "399 " + warnAgent + " " + AuthHeader.quote(reason));
  }
}
