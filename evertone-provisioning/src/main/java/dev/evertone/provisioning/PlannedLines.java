package dev.evertone.provisioning;

import static dev.evertone.provisioning.ImportPlanner.sized;

import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.RowError;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.DeleteLine;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.ProvisioningRepository;
import dev.evertone.store.provisioning.User;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The line rows of an import as planned, in the order of the rows: the device each goes on (and
 * what the row says of that device and its owner), its line number there, and its new secret if it
 * gets one.
 */
final class PlannedLines {
  private static final PlanItem UNDESCRIBED_CREATE =
      new PlanItem(0, PlanItem.CREATE, "line", "", List.of(), null);
  private static final PlanItem UNDESCRIBED_DELETE =
      new PlanItem(0, PlanItem.DELETE, "line", "", List.of(), null);

  private final ProvisioningRepository repository;
  private final StoredState stored;
  private final ChangeSet.Builder changes;
  private final List<RowError> errors;
  private final PlannedUsers users;
  private final PlannedDevices devices;
  // the line rows as planned, in the order of the rows
  private final List<PlannedLine> inOrder = new ArrayList<>();
  private final List<GeneratedSecret> generated = new ArrayList<>();

  PlannedLines(
      ProvisioningRepository repository,
      StoredState stored,
      ChangeSet.Builder changes,
      List<RowError> errors,
      PlannedUsers users,
      PlannedDevices devices) {
    this.repository = repository;
    this.stored = stored;
    this.changes = changes;
    this.errors = errors;
    this.users = users;
    this.devices = devices;
  }

  /** The line rows as planned, in the order of the rows. */
  List<PlannedLine> inOrder() {
    return inOrder;
  }

  /** The secrets generated for new lines, shown once the plan is applied. */
  List<GeneratedSecret> generated() {
    return generated;
  }

  /**
   * A line row: its line is deleted, or goes on its device (which takes the row's model,
   * description and owner), at the row's line number if it gives one, with a new secret if the
   * row's differs (or a generated one for a new line without one).
   */
  void plan(ImportRow r) {
    Line existing = stored.line(r.key());
    PlannedLine p = new PlannedLine(r, existing);
    inOrder.add(p);
    if (r.delete()) {
      if (existing == null) {
        errors.add(r.error(Column.AUTH_USER, "there is no line " + r.key() + " to delete"));
      }
      return;
    }
    PlannedDevice device = devices.of(r, existing);
    if (device == null) {
      return;
    }
    p.device = device;
    if (r.model() != null) {
      device.model = r.model();
    }
    if (r.description() != null) {
      device.description = r.description();
    }
    planOwner(r, device);
    if (r.lineNo() != null) {
      p.lineNo = r.lineNo();
    } else if (existing != null
        && device.existing != null
        && existing.deviceId() == device.existing.id()) {
      p.lineNo = existing.lineNo();
    }
    if (r.secret() != null) {
      if (existing == null
          || !repository.fingerprint(existing.key(), r.secret()).equals(existing.secretHash())) {
        p.newSecret = r.secret();
      }
    } else if (existing == null) {
      p.newSecret = Secrets.generate();
      p.generated = true;
    }
  }

  /** The owner a line row gives its device; without one, a stored device keeps its owner. */
  private void planOwner(ImportRow r, PlannedDevice device) {
    if (r.extension() != null) {
      PlannedUser owner = users.user(r.userKey());
      if (r.displayName() != null) {
        owner.displayName = r.displayName();
      }
      Long current = device.existing == null ? null : device.existing.userId();
      if (device.owner != owner) {
        device.owner = owner;
        device.ownerChanged = device.existing != null && (current == null || current != owner.ref);
      }
    } else if (device.existing != null
        && device.owner == null
        && device.existing.userId() != null) {
      User u = stored.user(device.existing.userId());
      if (u != null) {
        device.owner = users.user(new UserKey(u.domain(), u.extension()));
      }
    }
  }

  /** A line placed on a device, still without a number. */
  private record Unnumbered(PlannedLine line, PlannedDevice device) {}

  /**
   * Line numbers: the given ones must be free; the others take the first free number of their
   * device.
   */
  void place() {
    // one map of slots for every device: key deviceRef * 100 + line number (line numbers are 1 to
    // 64)
    Map<Long, LineKey> taken = sized(stored.state().lines().size() + inOrder.size());
    Set<Long> leaving = leaving();
    for (Line l : stored.state().lines()) {
      if (!leaving.contains(l.id())) {
        taken.put(slot(l.deviceId(), l.lineNo()), l.key());
      }
    }
    List<Unnumbered> automatic = new ArrayList<>();
    for (PlannedLine p : inOrder) {
      PlannedDevice device = p.device;
      if (device == null) {
        continue;
      }
      if (p.lineNo == null) {
        automatic.add(new Unnumbered(p, device));
        continue;
      }
      LineKey other = taken.putIfAbsent(slot(device.ref, p.lineNo), p.row.key());
      if (other != null) {
        errors.add(
            p.row.error(
                Column.LINE,
                "line " + p.lineNo + " of device " + device.name() + " is taken by " + other));
      }
    }
    for (Unnumbered u : automatic) {
      PlannedLine p = u.line();
      PlannedDevice device = u.device();
      int n = 1;
      while (taken.containsKey(slot(device.ref, n))) {
        n++;
      }
      if (n > Values.MAX_LINES) {
        errors.add(p.row.error(Column.LINE, "device " + device.name() + " has no free line left"));
        continue;
      }
      taken.put(slot(device.ref, n), p.row.key());
      p.lineNo = n;
    }
  }

  private static long slot(long deviceRef, int lineNo) {
    return deviceRef * 100 + lineNo;
  }

  /**
   * The ids of the existing lines the plan deletes, moves or re-places: their slots are planned
   * anew.
   */
  Set<Long> leaving() {
    Set<Long> ids = new HashSet<>((int) (inOrder.size() / 0.75f) + 1);
    for (PlannedLine p : inOrder) {
      if (p.existing != null) {
        ids.add(p.existing.id());
      }
    }
    return ids;
  }

  /**
   * Adds the row's line operation to the plan, and returns what it does; creations and deletions
   * beyond the ones listed are not described (only counted), which keeps a million-row plan cheap.
   * Only for a plan without errors: every line row then has its device and number.
   */
  PlanItem item(
      PlannedLine p, BlastRadiusGuard guard, boolean describeCreate, boolean describeDelete) {
    ImportRow r = p.row;
    Line existing = p.existing;
    if (r.delete()) {
      Line deleted = Objects.requireNonNull(existing, "a line row deletes a stored line");
      changes.line(new DeleteLine(deleted.id(), deleted.revision(), deleted.key()));
      guard.credentialChange(r.domain());
      return describeDelete
          ? new PlanItem(r.row(), PlanItem.DELETE, "line", r.key().toString(), List.of(), null)
          : UNDESCRIBED_DELETE;
    }
    PlannedDevice device = Objects.requireNonNull(p.device, "a planned line row has a device");
    int lineNo = Objects.requireNonNull(p.lineNo, "a planned line row has a number");
    Plain secret = p.newSecret == null ? null : new Plain(p.newSecret);
    if (existing == null) {
      Plain first = Objects.requireNonNull(secret, "a new line's secret is given or generated");
      return created(p, device, lineNo, first, describeCreate);
    }
    List<FieldChange> fields = new ArrayList<>();
    Device before = stored.device(existing.deviceId());
    boolean moved = device.existing == null || device.existing.id() != existing.deviceId();
    if (moved) {
      fields.add(
          new FieldChange(
              "device",
              before.mac() != null ? Values.formatMac(before.mac()) : "#" + before.id(),
              device.name()));
    }
    if (existing.lineNo() != lineNo) {
      fields.add(
          new FieldChange("line", String.valueOf(existing.lineNo()), String.valueOf(lineNo)));
    }
    deviceAndOwnerFields(device, device.existing, fields);
    if (secret != null) {
      fields.add(new FieldChange("secret", FieldChange.HIDDEN, FieldChange.HIDDEN));
      guard.credentialChange(r.domain());
    }
    if (moved || existing.lineNo() != lineNo || secret != null) {
      changes.line(
          new UpdateLine(
              existing.id(),
              existing.revision(),
              existing.key(),
              device.ref,
              lineNo,
              secret,
              HistoryEntry.CHANGED));
    }
    return new PlanItem(
        r.row(),
        fields.isEmpty() ? PlanItem.UNCHANGED : PlanItem.UPDATE,
        "line",
        r.key().toString(),
        fields,
        null);
  }

  /** A new line: created on its device; described (if asked) with every field it sets. */
  private PlanItem created(
      PlannedLine p, PlannedDevice device, int lineNo, Plain secret, boolean describe) {
    ImportRow r = p.row;
    LineKey key = r.key();
    changes.line(
        new CreateLine(
            device.ref, lineNo, key.domain(), key.authUser(), secret, HistoryEntry.CREATED));
    if (p.generated) {
      generated.add(new GeneratedSecret(key.domain(), key.authUser(), secret.value()));
    }
    if (!describe) {
      return UNDESCRIBED_CREATE;
    }
    List<FieldChange> fields = new ArrayList<>();
    fields.add(new FieldChange("device", null, device.name()));
    fields.add(new FieldChange("line", null, String.valueOf(lineNo)));
    deviceAndOwnerFields(device, null, fields);
    fields.add(new FieldChange("secret", null, p.generated ? "(generated)" : "(set)"));
    return new PlanItem(r.row(), PlanItem.CREATE, "line", key.toString(), fields, null);
  }

  /**
   * The device's and owner's fields that differ from what is stored (all of them for a new device).
   */
  private void deviceAndOwnerFields(
      PlannedDevice device, @Nullable Device before, List<FieldChange> fields) {
    if (!Objects.equals(device.model, before == null ? null : before.model())) {
      fields.add(new FieldChange("model", before == null ? null : before.model(), device.model));
    }
    if (!Objects.equals(device.description, before == null ? null : before.description())) {
      fields.add(
          new FieldChange(
              "description", before == null ? null : before.description(), device.description));
    }
    User storedOwner =
        before == null || before.userId() == null ? null : stored.user(before.userId());
    String ownerBefore = storedOwner == null ? null : storedOwner.extension();
    PlannedUser owner = device.owner;
    String ownerAfter = owner == null ? null : owner.key.extension();
    if (!Objects.equals(ownerBefore, ownerAfter)) {
      fields.add(
          new FieldChange(
              "extension",
              ownerBefore,
              owner == null
                  ? null
                  : owner.key.extension() + (owner.existing == null ? " (new user)" : "")));
    }
    if (owner != null
        && (owner.renamed() || (owner.existing == null && owner.displayName != null))) {
      fields.add(
          new FieldChange(
              "display_name",
              owner.existing == null ? null : owner.existing.displayName(),
              owner.displayName));
    }
  }
}
