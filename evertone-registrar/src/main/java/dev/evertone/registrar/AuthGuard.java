package dev.evertone.registrar;

import dev.evertone.sip.auth.FailureLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows password guessing: failed authentications are counted per source address and per account;
 * past the limits the source (or the account, for sources that hold none of its bindings) is
 * refused for a while. Every failure is logged with its source in one fixed format, so that
 * fail2ban can act on it:
 *
 * <pre>authentication failed for 1001@example.com from 203.0.113.5 port 5060 (udp): wrong password
 * </pre>
 */
public final class AuthGuard {
  private static final Logger log = LoggerFactory.getLogger("evertone.security");

  private final FailureLimiter bySource;
  private final FailureLimiter byAccount;
  private final RegistrarConfig.FailureLimits sourceLimits;
  private final RegistrarConfig.FailureLimits accountLimits;
  private final RateLimitedLog lines = new RateLimitedLog(log, 50);

  public AuthGuard(
      RegistrarConfig.FailureLimits perSource, RegistrarConfig.FailureLimits perAccount) {
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

  public boolean sourceBlocked(String ip, long now) {
    return bySource.isBlocked(ip, now);
  }

  public boolean accountBlocked(String account, long now) {
    return byAccount.isBlocked(account, now);
  }

  /** Records and logs a failed authentication. No secret is ever part of the line. */
  public void failed(
      String account,
      String ip,
      int port,
      String transport,
      String reason,
      String userAgent,
      long now) {
    lines.warn(
        now,
        "authentication failed for {} from {} port {} ({}): {}{}",
        account,
        ip,
        port,
        transport,
        reason,
        userAgent.isEmpty() ? "" : " [" + userAgent + "]");
    if (bySource.recordFailure(ip, now)) {
      log.warn(
          "blocking {} for {} s after {} failed authentications within {} s",
          ip,
          sourceLimits.blockSeconds(),
          sourceLimits.failures(),
          sourceLimits.windowSeconds());
    }
    if (byAccount.recordFailure(account, now)) {
      log.warn(
          "locking account {} for {} s after {} failed authentications within {} s (sources holding its bindings are exempt)",
          account,
          accountLimits.blockSeconds(),
          accountLimits.failures(),
          accountLimits.windowSeconds());
    }
  }

  /** Forgets finished windows and blocks; run it now and then. */
  public void purge(long now) {
    bySource.purge(now);
    byAccount.purge(now);
  }
}
