package dev.evertone.provisioning;

import dev.evertone.store.provisioning.User;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A user as an import plans it: existing or new, possibly renamed or deleted. */
final class PlannedUser {
  final UserKey key;
  final @Nullable User existing;
  final long ref;
  @Nullable String displayName;
  // the row that deletes the user; null while it stays
  @Nullable ImportRow deletedBy;

  PlannedUser(UserKey key, @Nullable User existing, long ref) {
    this.key = key;
    this.existing = existing;
    this.ref = ref;
    this.displayName = existing == null ? null : existing.displayName();
  }

  boolean deleted() {
    return deletedBy != null;
  }

  boolean renamed() {
    return existing != null && !Objects.equals(displayName, existing.displayName());
  }
}
