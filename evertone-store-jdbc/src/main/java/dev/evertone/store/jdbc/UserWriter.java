package dev.evertone.store.jdbc;

import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.DeleteUser;
import dev.evertone.store.provisioning.ChangeSet.UpdateUser;
import dev.evertone.store.provisioning.ChangeSet.UserOp;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The users of a change set: created (by {@link Bulk} insert, their references resolved for the
 * devices they own), renamed, and deleted (only if no device is still theirs).
 */
final class UserWriter {
  private final ChangeTransaction tx;
  private final List<CreateUser> created = new ArrayList<>();
  private final List<UpdateUser> updated = new ArrayList<>();
  private final List<DeleteUser> deleted = new ArrayList<>();

  UserWriter(ChangeTransaction tx, List<UserOp> ops) {
    this.tx = tx;
    for (UserOp op : ops) {
      if (op instanceof CreateUser u) {
        created.add(u);
      } else if (op instanceof UpdateUser u) {
        updated.add(u);
      } else {
        deleted.add((DeleteUser) op);
      }
    }
  }

  void create() throws SQLException {
    if (created.isEmpty()) {
      return;
    }
    long id = tx.allocate("users", created.size());
    List<Object[]> rows = new ArrayList<>(created.size());
    for (CreateUser u : created) {
      tx.created(u.ref(), id);
      rows.add(
          new Object[] {
            id++,
            1L,
            tx.domainId(u.domain()),
            u.extension(),
            Values.displayName(u.displayName()),
            tx.now,
            tx.now,
            tx.changeNo
          });
    }
    tx.insert(
        "users",
        List.of(
            "id",
            "revision",
            "domain_id",
            "extension",
            "display_name",
            "created_at",
            "updated_at",
            "created_change"),
        rows);
  }

  void update() throws SQLException {
    try (BatchStatement b =
        tx.batch(
            "UPDATE users SET display_name = ?, revision = revision + 1, updated_at = ? WHERE id = ? AND revision = ?")) {
      for (UpdateUser u : updated) {
        b.add(Values.displayName(u.displayName()), tx.now, u.id(), u.revision());
      }
      b.expectEach("a user");
    }
  }

  /** Deletes the users, after the devices: a user who still owns one is a conflict. */
  void delete() throws SQLException {
    tx.deleteUnreferenced(
        "users",
        "device",
        "user_id",
        deleted.stream().map(u -> new long[] {u.id(), u.revision()}).toList());
  }
}
