package dev.evertone.registrar;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.evertone.sip.auth.DigestAlgorithm;
import dev.evertone.store.Change;
import dev.evertone.store.provisioning.Credential;
import dev.evertone.store.provisioning.CredentialRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Account secrets by {@code user@domain}, loaded from the store on first use (on the store
 * executor, never on a network thread) and kept until the change log says the account changed.
 * Unknown accounts are cached too, so that a scan of user names does not turn into a scan of the
 * database.
 */
public final class CredentialCache {
  private final AsyncLoadingCache<String, Optional<AccountSecrets>> cache;

  /**
   * @param graceMillis how long after a change the previous secret is still accepted; 0 turns it
   *     off
   */
  public CredentialCache(
      CredentialRepository credentials,
      Executor storeExecutor,
      long maxEntries,
      List<DigestAlgorithm> algorithms,
      long graceMillis,
      MeterRegistry meters) {
    List<DigestAlgorithm> offered = List.copyOf(algorithms);
    boolean grace = graceMillis > 0;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .executor(storeExecutor)
            .recordStats()
            .buildAsync(
                (String key) -> {
                  int at = key.lastIndexOf('@');
                  String user = key.substring(0, at);
                  String domain = key.substring(at + 1);
                  return credentials
                      .lookup(domain, user, grace)
                      .map(c -> secrets(c, graceMillis, offered));
                });
    CaffeineCacheMetrics.monitor(meters, cache.synchronous(), "evertone.credentials");
  }

  private static AccountSecrets secrets(
      Credential c, long graceMillis, List<DigestAlgorithm> offered) {
    if (c.previousSecret() == null || graceMillis <= 0) {
      return AccountSecrets.of(c.domain(), c.authUser(), c.secret(), offered);
    }
    return AccountSecrets.withPrevious(
        c.domain(),
        c.authUser(),
        c.secret(),
        c.previousSecret(),
        c.changedAt().toEpochMilli() + graceMillis,
        offered);
  }

  private static String key(String domain, String username) {
    return username + "@" + domain;
  }

  /** The account's secrets, or empty if there is no such account. */
  public CompletableFuture<Optional<AccountSecrets>> lookup(String domain, String username) {
    return cache.get(key(domain, username));
  }

  /** A change to the store: a changed credential or domain is read again when next needed. */
  public void changed(Change change) {
    if (Change.CREDENTIAL.equals(change.entity()) || Change.DOMAIN.equals(change.entity())) {
      invalidate(
          change.domain(), Change.CREDENTIAL.equals(change.entity()) ? change.username() : null);
    }
  }

  /** Forgets one account, or every account of a domain when {@code username} is null. */
  public void invalidate(String domain, @Nullable String username) {
    if (username != null) {
      cache.synchronous().invalidate(key(domain, username));
    } else {
      String suffix = "@" + domain;
      cache.synchronous().asMap().keySet().removeIf(k -> k.endsWith(suffix));
    }
  }

  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }
}
