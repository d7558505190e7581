package dev.evertone.registrar;

import dev.evertone.sip.RateLimitedLog;
import dev.evertone.sip.auth.FailureLimiter;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows password guessing, the one guard of every place that checks a secret (SIP digest for
 * REGISTER and for calls, {@code /ice-servers}, admin API tokens): failed authentications are
 * counted per source address and per account; past the limits the source or the account is refused
 * for a while, except from an address that holds a live registration of the account. Every failure
 * is logged with its source in one fixed format, so that fail2ban can act on it:
 *
 * <pre>authentication failed for 1001@example.com from 203.0.113.5 port 5060 (udp): wrong password
 * </pre>
 *
 * <p>Only failures an attacker cannot forge reach it: SIP failures count only with a nonce issued
 * to the sender's address, HTTP ones come over TCP.
 */
public final class AuthGuard {
  private static final Logger log = LoggerFactory.getLogger("evertone.security");

  private final FailureLimiter bySource;
  private final FailureLimiter byAccount;
  private final RegistrarConfig.FailureLimits sourceLimits;
  private final RegistrarConfig.FailureLimits accountLimits;
  private final RateLimitedLog lines = new RateLimitedLog(log, 50);

  private final Clock clock;

  public AuthGuard(
      RegistrarConfig.FailureLimits perSource,
      RegistrarConfig.FailureLimits perAccount,
      Clock clock) {
    this.clock = clock;
    this.sourceLimits = perSource;
    this.accountLimits = perAccount;
    this.bySource =
        new FailureLimiter(
            perSource.failures(),
            perSource.windowSeconds() * 1000,
            perSource.blockSeconds() * 1000,
            100_000);
    this.byAccount =
        new FailureLimiter(
            perAccount.failures(),
            perAccount.windowSeconds() * 1000,
            perAccount.blockSeconds() * 1000,
            100_000);
  }

  /**
   * Whether a request from {@code ip} for {@code account} is refused before its secret is checked:
   * the source or the account is blocked, and the address holds no live registration of the account
   * ({@code registeredHere}, asked only then).
   */
  public boolean refuses(String ip, String account, BooleanSupplier registeredHere) {
    long now = clock.millis();
    return (bySource.isBlocked(ip, now) || byAccount.isBlocked(account, now))
        && !registeredHere.getAsBoolean();
  }

  /** Whether {@code ip} is blocked, for checks that name no account (admin API tokens). */
  public boolean sourceBlocked(String ip) {
    return bySource.isBlocked(ip, clock.millis());
  }

  /** Records and logs a failed authentication. No secret is ever part of the line. */
  public void failed(
      String account, String ip, int port, String transport, String reason, String userAgent) {
    long now = clock.millis();
    lines.warn(
        now,
        "authentication failed for {} from {} port {} ({}): {}{}",
        account,
        ip,
        port,
        transport,
        reason,
        userAgent.isEmpty() ? "" : " [" + userAgent + "]");
    countForSource(ip, now);
    if (byAccount.recordFailure(account, now)) {
      log.warn(
          "locking account {} for {} s after {} failed authentications within {} s (sources holding its bindings are exempt)",
          account,
          accountLimits.blockSeconds(),
          accountLimits.failures(),
          accountLimits.windowSeconds());
    }
  }

  /**
   * Records and logs a failed authentication that names no account (an admin API token): it counts
   * for the source only, so that nobody can lock every administrator out.
   */
  public void failedWithoutAccount(
      String what, String ip, int port, String transport, String reason) {
    long now = clock.millis();
    lines.warn(
        now,
        "authentication failed for {} from {} port {} ({}): {}",
        what,
        ip,
        port,
        transport,
        reason);
    countForSource(ip, now);
  }

  private void countForSource(String ip, long now) {
    if (bySource.recordFailure(ip, now)) {
      log.warn(
          "blocking {} for {} s after {} failed authentications within {} s",
          ip,
          sourceLimits.blockSeconds(),
          sourceLimits.failures(),
          sourceLimits.windowSeconds());
    }
  }

  /** Forgets finished windows and blocks; run it now and then. */
  public void purge() {
    long now = clock.millis();
    bySource.purge(now);
    byAccount.purge(now);
  }
}
