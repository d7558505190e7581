package dev.evertone.registrar;

import dev.evertone.sip.auth.DigestAlgorithm;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the registrar keeps in memory for an account: HA1 = H(user:realm:password) per offered
 * algorithm, never the password itself. The realm is the account's domain. During a grace window
 * after a change, the HA1 of the previous secret too, so that a device not yet re-provisioned keeps
 * registering.
 */
public final class AccountSecrets {
  private final String domain;
  private final String username;
  private final Map<DigestAlgorithm, String> ha1;
  private final @Nullable Map<DigestAlgorithm, String> previousHa1;
  private final long previousUntil;

  private AccountSecrets(
      String domain,
      String username,
      Map<DigestAlgorithm, String> ha1,
      @Nullable Map<DigestAlgorithm, String> previousHa1,
      long previousUntil) {
    this.domain = domain;
    this.username = username;
    this.ha1 = ha1;
    this.previousHa1 = previousHa1;
    this.previousUntil = previousUntil;
  }

  public static AccountSecrets of(
      String domain, String username, String password, List<DigestAlgorithm> algorithms) {
    return new AccountSecrets(
        domain, username, ha1(domain, username, password, algorithms), null, 0);
  }

  /**
   * An account whose previous secret {@code previous} is still accepted until {@code previousUntil}
   * (epoch ms).
   */
  public static AccountSecrets withPrevious(
      String domain,
      String username,
      String password,
      String previous,
      long previousUntil,
      List<DigestAlgorithm> algorithms) {
    return new AccountSecrets(
        domain,
        username,
        ha1(domain, username, password, algorithms),
        ha1(domain, username, previous, algorithms),
        previousUntil);
  }

  private static Map<DigestAlgorithm, String> ha1(
      String domain, String username, String password, List<DigestAlgorithm> algorithms) {
    Map<DigestAlgorithm, String> out = new EnumMap<>(DigestAlgorithm.class);
    for (DigestAlgorithm a : algorithms) {
      out.put(a, a.ha1(username, domain, password));
    }
    return out;
  }

  public String domain() {
    return domain;
  }

  public String username() {
    return username;
  }

  /** HA1 for {@code algorithm}, or null if that algorithm is not offered. */
  public @Nullable String ha1(DigestAlgorithm algorithm) {
    return ha1.get(algorithm);
  }

  /**
   * HA1 of the previous secret for {@code algorithm}, if its grace window is still open at {@code
   * now}.
   */
  public @Nullable String previousHa1(DigestAlgorithm algorithm, long now) {
    return previousHa1 == null || now >= previousUntil ? null : previousHa1.get(algorithm);
  }

  /** When the previous secret stops being accepted (epoch ms), or 0 if there is none. */
  public long previousUntil() {
    return previousHa1 == null ? 0 : previousUntil;
  }

  @Override
  public String toString() {
    return "AccountSecrets[" + username + "@" + domain + "]";
  }
}
