package dev.evertone.store.provisioning;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a restore does, as counted in the database before anything is written.
 *
 * @param counts per domain, how many lines of each kind
 * @param linesPerDomain each of those domains' lines before the restore (for the blast-radius
 *     guard)
 * @param items the first lines of each kind, one by one
 * @param itemsOmitted how many lines (and devices and users removed) the items leave out
 * @param removals the first devices and users an undo removes with the lines it deletes: those left
 *     without lines, and the users the batch created that own nothing else
 */
public record RestorePlan(
    Map<String, EnumMap<Kind, Integer>> counts,
    Map<String, Integer> linesPerDomain,
    List<Item> items,
    int itemsOmitted,
    List<Removal> removals) {

  public RestorePlan {
    items = List.copyOf(items);
    removals = List.copyOf(removals);
  }

  /** What happens to one line. */
  public enum Kind {
    /** It gets back the secret it had. */
    RESTORE,
    /** It was deleted since; it is put back where it was, with the secret it had. */
    RECREATE,
    /** The undone batch created it: it is deleted. */
    DELETE,
    /** It already has that secret. */
    UNCHANGED,
    /** It did not exist at the moment restored to: it is left as it is. */
    KEEP,
    /** It was changed again after the undone batch, or cannot be put back: it is left as it is. */
    SKIP
  }

  /** One line of the plan. */
  public record Item(Kind kind, LineKey line, @Nullable String note) {}

  /**
   * A device or user removed with the lines an undo deletes.
   *
   * @param entity "device" or "user"
   * @param key the device's MAC (or #id for a softphone), the user's extension@domain
   */
  public record Removal(String entity, String key, String note) {}

  /** How many lines of {@code kind} in all domains. */
  public int total(Kind kind) {
    return counts.values().stream().mapToInt(m -> m.getOrDefault(kind, 0)).sum();
  }
}
