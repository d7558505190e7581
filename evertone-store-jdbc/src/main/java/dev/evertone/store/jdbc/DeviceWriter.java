package dev.evertone.store.jdbc;

import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.DeleteDevice;
import dev.evertone.store.provisioning.ChangeSet.DeviceOp;
import dev.evertone.store.provisioning.ChangeSet.UpdateDevice;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The devices of a change set: created (by {@link Bulk} insert, their references resolved for the
 * lines on them), changed, and deleted (only once no line is left on them).
 */
final class DeviceWriter {
  private final ChangeTransaction tx;
  private final List<CreateDevice> created = new ArrayList<>();
  private final List<UpdateDevice> updated = new ArrayList<>();
  private final List<DeleteDevice> deleted = new ArrayList<>();

  DeviceWriter(ChangeTransaction tx, List<DeviceOp> ops) {
    this.tx = tx;
    for (DeviceOp op : ops) {
      if (op instanceof CreateDevice d) {
        created.add(d);
      } else if (op instanceof UpdateDevice d) {
        updated.add(d);
      } else {
        deleted.add((DeleteDevice) op);
      }
    }
  }

  List<CreateDevice> created() {
    return created;
  }

  List<UpdateDevice> updated() {
    return updated;
  }

  void create() throws SQLException {
    if (created.isEmpty()) {
      return;
    }
    long id = tx.allocate("device", created.size());
    List<Object[]> rows = new ArrayList<>(created.size());
    for (CreateDevice d : created) {
      tx.created(d.ref(), id);
      rows.add(
          new Object[] {
            id++,
            1L,
            tx.domainId(d.domain()),
            d.mac(),
            Values.model(d.model()),
            Values.description(d.description()),
            tx.resolveNullable(d.userRef()),
            tx.now,
            tx.now
          });
    }
    tx.insert(
        "device",
        List.of(
            "id",
            "revision",
            "domain_id",
            "mac",
            "model",
            "description",
            "user_id",
            "created_at",
            "updated_at"),
        rows);
  }

  void update() throws SQLException {
    try (BatchStatement b =
        tx.batch(
            "UPDATE device SET mac = ?, model = ?, description = ?, user_id = ?, revision = revision + 1, "
                + "updated_at = ? WHERE id = ? AND revision = ?")) {
      for (UpdateDevice d : updated) {
        b.add(
            d.mac(),
            Values.model(d.model()),
            Values.description(d.description()),
            tx.resolveNullable(d.userRef()),
            tx.now,
            d.id(),
            d.revision());
      }
      b.expectEach("a device");
    }
  }

  /** Deletes the devices, after the lines: a device with a line left is a conflict. */
  void delete() throws SQLException {
    tx.deleteUnreferenced(
        "device",
        "device_line",
        "device_id",
        deleted.stream().map(d -> new long[] {d.id(), d.revision()}).toList());
  }
}
