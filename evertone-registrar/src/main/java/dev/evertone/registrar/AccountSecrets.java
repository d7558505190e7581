package dev.evertone.registrar;

import dev.evertone.sip.auth.DigestAlgorithm;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the registrar keeps in memory for an account: HA1 = H(user:realm:password) per offered algorithm,
 * never the password itself. The realm is the account's domain.
 */
public final class AccountSecrets {
  private final String domain;
  private final String username;
  private final Map<DigestAlgorithm, String> ha1;

  private AccountSecrets(String domain, String username, Map<DigestAlgorithm, String> ha1) {
    this.domain = domain;
    this.username = username;
    this.ha1 = ha1;
  }

  public static AccountSecrets of(String domain, String username, String password, List<DigestAlgorithm> algorithms) {
    Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
    for (DigestAlgorithm a : algorithms) {
      ha1.put(a, a.ha1(username, domain, password));
    }
    return new AccountSecrets(domain, username, ha1);
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

  @Override
  public String toString() {
    return "AccountSecrets[" + username + "@" + domain + "]";
  }
}
