package dev.evertone.store.provisioning;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One change of a line's credential: when it was created, changed, restored or deleted, by whom,
 * and in which batch.
 *
 * @param versionId the credential version from then on, null after a deletion
 * @param secretHash that version's fingerprint, null after a deletion
 */
public record HistoryEntry(
    long id,
    LineKey line,
    String change,
    @Nullable Long versionId,
    @Nullable String secretHash,
    Instant changedAt,
    String actor,
    @Nullable String batchId) {

  public static final String CREATED = "created";
  public static final String CHANGED = "changed";
  public static final String RESTORED = "restored";
  public static final String DELETED = "deleted";

  /** The one-letter code the event log stores. */
  public static String code(String change) {
    return switch (change) {
      case CREATED -> "c";
      case CHANGED -> "u";
      case RESTORED -> "r";
      case DELETED -> "d";
      default -> throw new IllegalArgumentException("no such change: " + change);
    };
  }

  public static String change(String code) {
    return switch (code.trim()) {
      case "c" -> CREATED;
      case "u" -> CHANGED;
      case "r" -> RESTORED;
      case "d" -> DELETED;
      default -> throw new IllegalArgumentException("no such change code: " + code);
    };
  }
}
