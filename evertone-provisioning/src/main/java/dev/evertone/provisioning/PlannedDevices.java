package dev.evertone.provisioning;

import static dev.evertone.provisioning.ImportPlanner.sized;

import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.RowError;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.DeleteDevice;
import dev.evertone.store.provisioning.ChangeSet.UpdateDevice;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.Line;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The devices an import's lines go on, as planned: stored ones (with new attributes or owner) and
 * new ones (by MAC, or a softphone of their own); and the stored ones the plan leaves without a
 * line, which it removes.
 */
final class PlannedDevices {
  private final StoredState stored;
  private final ChangeSet.Builder changes;
  private final List<RowError> errors;
  private final Map<Long, PlannedDevice> existing = new LinkedHashMap<>();
  private final Map<String, PlannedDevice> newByMac = new HashMap<>();
  private final List<PlannedDevice> created = new ArrayList<>();
  private final Set<Long> removed = new HashSet<>();

  PlannedDevices(StoredState stored, ChangeSet.Builder changes, List<RowError> errors) {
    this.stored = stored;
    this.changes = changes;
    this.errors = errors;
  }

  /**
   * The device a line row puts its line on: the one with the row's MAC, else the one the line is
   * on, else a new one; null (with an error) if the MAC belongs to another domain.
   */
  @Nullable PlannedDevice of(ImportRow r, @Nullable Line line) {
    if (r.mac() != null) {
      Device d = stored.deviceWithMac(r.mac());
      if (d != null && !d.domain().equals(r.domain())) {
        errors.add(
            r.error(
                Column.MAC,
                "device "
                    + Values.formatMac(r.mac())
                    + " belongs to domain "
                    + d.domain()
                    + "; remove it there first"));
        return null;
      }
      if (d != null) {
        return planned(d);
      }
      return newByMac.computeIfAbsent(r.mac(), mac -> newDevice(r.domain(), mac));
    }
    if (line != null) {
      return planned(stored.device(line.deviceId()));
    }
    return newDevice(r.domain(), null);
  }

  private PlannedDevice planned(Device d) {
    return existing.computeIfAbsent(
        d.id(), id -> new PlannedDevice(d.domain(), d, d.id(), d.mac()));
  }

  private PlannedDevice newDevice(String domain, @Nullable String mac) {
    PlannedDevice d = new PlannedDevice(domain, null, changes.nextRef(), mac);
    created.add(d);
    return d;
  }

  /** Stored device {@code id} as planned; null if no row puts a line on it (or it is removed). */
  @Nullable PlannedDevice existing(long id) {
    return existing.get(id);
  }

  /** Whether the plan removes stored device {@code id}. */
  boolean removed(long id) {
    return removed.contains(id);
  }

  /** The new devices, in the order of the rows. */
  List<PlannedDevice> created() {
    return created;
  }

  /** Existing devices that no line is left on are removed with the plan. */
  List<PlanItem> removeEmptied(PlannedLines lines) {
    Map<Long, Integer> remaining = sized(stored.state().devices().size());
    Set<Long> leaving = lines.leaving();
    for (PlannedLine p : lines.inOrder()) {
      if (p.device != null && p.device.existing != null) {
        remaining.merge(p.device.existing.id(), 1, Integer::sum);
      }
    }
    for (Line l : stored.state().lines()) {
      if (!leaving.contains(l.id())) {
        remaining.merge(l.deviceId(), 1, Integer::sum);
      }
    }
    List<PlanItem> items = new ArrayList<>();
    Set<Long> touched = new LinkedHashSet<>();
    for (PlannedLine p : lines.inOrder()) {
      if (p.existing != null) {
        touched.add(p.existing.deviceId());
      }
    }
    for (long id : touched) {
      if (remaining.getOrDefault(id, 0) == 0) {
        Device d = stored.device(id);
        changes.device(new DeleteDevice(d.id(), d.revision()));
        existing.remove(id);
        removed.add(id);
        items.add(
            new PlanItem(
                0,
                PlanItem.DELETE,
                "device",
                d.mac() != null ? Values.formatMac(d.mac()) : "#" + d.id(),
                List.of(),
                "no line is left on it"));
      }
    }
    return items;
  }

  /** Adds the new devices, then the stored ones that change, to the change set. */
  void addChanges() {
    for (PlannedDevice d : created) {
      changes.device(
          new CreateDevice(
              d.ref,
              d.domain,
              d.mac,
              d.model,
              d.description,
              d.owner == null ? null : d.owner.ref));
    }
    for (PlannedDevice d : existing.values()) {
      Device before = d.existing;
      if (before != null && d.changed()) {
        changes.device(
            new UpdateDevice(
                before.id(),
                before.revision(),
                d.mac,
                d.model,
                d.description,
                d.owner == null ? null : d.owner.ref));
      }
    }
  }
}
