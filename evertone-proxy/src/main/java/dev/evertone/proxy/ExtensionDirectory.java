package dev.evertone.proxy;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.evertone.store.provisioning.ProvisioningRepository;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Whom an extension reaches: the lines of the devices its user owns (a desk phone's lines, a
 * softphone), each an address-of-record of its own. Read from the store on a store thread, kept for
 * {@code ttl}: a device given to another user rings for the new one within that time.
 */
public final class ExtensionDirectory {
  private final AsyncLoadingCache<String, List<String>> cache;

  public ExtensionDirectory(
      ProvisioningRepository provisioning, Executor storeExecutor, Duration ttl, long maxEntries) {
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .expireAfterWrite(ttl)
            .executor(storeExecutor)
            .buildAsync(
                (String key) -> {
                  int at = key.lastIndexOf('@');
                  return List.copyOf(
                      provisioning.authUsersOfExtension(
                          key.substring(at + 1), key.substring(0, at)));
                });
  }

  /**
   * The auth users whose lines extension {@code extension} of {@code domain} rings; empty when it
   * is no extension.
   */
  public CompletableFuture<List<String>> authUsers(String domain, String extension) {
    return cache.get(extension + "@" + domain.toLowerCase(Locale.ROOT));
  }
}
