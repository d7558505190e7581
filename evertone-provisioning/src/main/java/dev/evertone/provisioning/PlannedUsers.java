package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.RowError;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.DeleteUser;
import dev.evertone.store.provisioning.ChangeSet.UpdateUser;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The users an import names, as planned: by a user row (kept, renamed or deleted) or as the owner
 * of a line row's device (created if new).
 */
final class PlannedUsers {
  private final StoredState stored;
  private final ChangeSet.Builder changes;
  private final List<RowError> errors;
  private final Map<UserKey, PlannedUser> planned = new LinkedHashMap<>();

  PlannedUsers(StoredState stored, ChangeSet.Builder changes, List<RowError> errors) {
    this.stored = stored;
    this.changes = changes;
    this.errors = errors;
  }

  /** The user {@code key} as planned so far; a new one gets a reference of the change set. */
  PlannedUser user(UserKey key) {
    return planned.computeIfAbsent(
        key,
        k -> {
          User existing = stored.user(k);
          return new PlannedUser(k, existing, existing != null ? existing.id() : changes.nextRef());
        });
  }

  /** A user row: the user is deleted, or kept (with the row's display name if it gives one). */
  void plan(ImportRow r) {
    UserKey key = r.userKey();
    if (r.delete()) {
      if (stored.user(key) == null) {
        errors.add(r.error(Column.EXTENSION, "there is no user " + key + " to delete"));
        return;
      }
      user(key).deletedBy = r;
      return;
    }
    PlannedUser u = user(key);
    if (r.displayName() != null) {
      u.displayName = r.displayName();
    }
  }

  /** A user may only be deleted if no device (after the plan) is still theirs. */
  void checkDeleted(PlannedDevices devices) {
    for (PlannedUser u : planned.values()) {
      ImportRow deletedBy = u.deletedBy;
      if (deletedBy == null) {
        continue;
      }
      for (Device d : stored.state().devices()) {
        PlannedDevice planned = devices.existing(d.id());
        Long owner =
            planned != null ? (planned.owner == null ? null : planned.owner.ref) : d.userId();
        if (!devices.removed(d.id()) && owner != null && owner == u.ref) {
          errors.add(
              deletedBy.error(
                  Column.EXTENSION,
                  "user "
                      + u.key
                      + " still owns "
                      + (d.mac() != null
                          ? "device " + Values.formatMac(d.mac())
                          : "device " + d.id())
                      + "; delete the device or give it another owner first"));
        }
      }
      for (PlannedDevice d : devices.created()) {
        if (d.owner == u) {
          errors.add(
              deletedBy.error(
                  Column.EXTENSION,
                  "user " + u.key + " is the owner of device " + d.name() + " in this file"));
        }
      }
    }
  }

  /** Adds the users created, deleted and renamed to the change set. */
  void addChanges() {
    for (PlannedUser u : planned.values()) {
      if (u.existing == null) {
        changes.user(new CreateUser(u.ref, u.key.domain(), u.key.extension(), u.displayName));
      } else if (u.deleted()) {
        changes.user(new DeleteUser(u.existing.id(), u.existing.revision()));
      } else if (u.renamed()) {
        changes.user(new UpdateUser(u.existing.id(), u.existing.revision(), u.displayName));
      }
    }
  }

  /** What the plan does to the user of a user row. */
  PlanItem item(ImportRow r) {
    PlannedUser u = Objects.requireNonNull(planned.get(r.userKey()), "every user row is planned");
    String key = u.key.toString();
    if (u.deleted()) {
      return new PlanItem(r.row(), PlanItem.DELETE, "user", key, List.of(), null);
    }
    if (u.existing == null) {
      return new PlanItem(
          r.row(),
          PlanItem.CREATE,
          "user",
          key,
          u.displayName == null
              ? List.of()
              : List.of(new FieldChange("display_name", null, u.displayName)),
          null);
    }
    if (u.renamed()) {
      return new PlanItem(
          r.row(),
          PlanItem.UPDATE,
          "user",
          key,
          List.of(new FieldChange("display_name", u.existing.displayName(), u.displayName)),
          null);
    }
    return new PlanItem(r.row(), PlanItem.UNCHANGED, "user", key, List.of(), null);
  }
}
