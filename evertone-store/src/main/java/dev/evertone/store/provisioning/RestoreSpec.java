package dev.evertone.store.provisioning;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What to restore: every line's credential as it was at a moment, or as it was before a batch
 * (undoing an import or a restore); exactly one of the two. Within a scope: some domains (all if
 * null), and within them every line or only those named by key or by their device's MAC.
 *
 * @param itemLimit how many lines to describe one by one in the plan (the counts are always exact)
 */
public record RestoreSpec(
    @Nullable Instant at, @Nullable String batchId, Scope scope, int itemLimit) {
  public RestoreSpec {
    if ((at == null) == (batchId == null)) {
      throw new IllegalArgumentException("a restore needs either a time or a batch, not both");
    }
  }

  /** The scope's domains, or null for all. */
  public @Nullable Set<String> domains() {
    return scope.domains();
  }
}
