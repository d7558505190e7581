package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.RowError;
import dev.evertone.provisioning.template.TemplateException;
import dev.evertone.provisioning.template.TemplateFile;
import dev.evertone.provisioning.template.TemplateLimits;
import dev.evertone.provisioning.template.TemplateRow;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.DeleteDevice;
import dev.evertone.store.provisioning.ChangeSet.DeleteLine;
import dev.evertone.store.provisioning.ChangeSet.DeleteUser;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.ChangeSet.UpdateDevice;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.ChangeSet.UpdateUser;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.DomainRepository;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.ProvisioningRepository;
import dev.evertone.store.provisioning.ProvisioningState;
import dev.evertone.store.provisioning.User;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Turns a template file into a plan: what to create, change, leave alone and delete, as a change
 * set that names only the lines, devices and users of the file's rows. Every row is checked first,
 * then the rows against each other, then against what is stored; any error anywhere means no plan
 * at all, with every error listed.
 *
 * <p>How a row is read: a row with an auth user is a line. It lives on the device with the row's
 * MAC (created if new); without a MAC, on the device it is on already, or on a new device of its
 * own (a softphone). Empty cells keep what is stored; an empty secret keeps the line's secret, or
 * generates a strong one for a new line. A row with only an extension is a user. {@code delete}
 * removes the row's line (and its device, once no line is left) or user.
 */
final class ImportPlanner {
  /**
   * Rows of each kind (create, update, unchanged, delete) a plan lists one by one; the counts are
   * always complete.
   */
  static final int ITEMS_PER_KIND = 10_000;

  private static final PlanItem UNDESCRIBED_CREATE =
      new PlanItem(0, PlanItem.CREATE, "line", "", List.of(), null);
  private static final PlanItem UNDESCRIBED_DELETE =
      new PlanItem(0, PlanItem.DELETE, "line", "", List.of(), null);

  private final ProvisioningRepository repository;
  private final DomainRepository domains;
  private final GuardLimits limits;
  private final TemplateLimits templateLimits;

  ImportPlanner(
      ProvisioningRepository repository,
      DomainRepository domains,
      GuardLimits limits,
      TemplateLimits templateLimits) {
    this.repository = repository;
    this.domains = domains;
    this.limits = limits;
    this.templateLimits = templateLimits;
  }

  /** A plan: the change set (without audit and batch), what it does row by row, and its size. */
  record Plan(
      ChangeSet.Builder changes,
      List<PlanItem> items,
      int itemsOmitted,
      Summary summary,
      BlastRadiusGuard guard,
      List<GeneratedSecret> generated,
      List<String> createdDomains) {}

  private record UserKey(String domain, String extension) {
    @Override
    public String toString() {
      return extension + "@" + domain;
    }
  }

  /** A user as planned: existing or new, possibly renamed or deleted. */
  private static final class PlannedUser {
    final UserKey key;
    final @Nullable User existing;
    final long ref;
    @Nullable String displayName;
    boolean delete;
    @Nullable ImportRow deletedBy;

    PlannedUser(UserKey key, @Nullable User existing, long ref) {
      this.key = key;
      this.existing = existing;
      this.ref = ref;
      this.displayName = existing == null ? null : existing.displayName();
    }

    boolean renamed() {
      return existing != null && !Objects.equals(displayName, existing.displayName());
    }
  }

  /** A device as planned: existing or new, possibly with new attributes. */
  private static final class PlannedDevice {
    final String domain;
    final @Nullable Device existing;
    final long ref;
    final @Nullable String mac;
    @Nullable String model;
    @Nullable String description;
    @Nullable PlannedUser owner;
    boolean ownerChanged;

    PlannedDevice(String domain, @Nullable Device existing, long ref, @Nullable String mac) {
      this.domain = domain;
      this.existing = existing;
      this.ref = ref;
      this.mac = mac;
      if (existing != null) {
        this.model = existing.model();
        this.description = existing.description();
      }
    }

    boolean changed() {
      return existing != null
          && (!Objects.equals(model, existing.model())
              || !Objects.equals(description, existing.description())
              || ownerChanged);
    }

    String name() {
      if (mac != null) {
        return Values.formatMac(mac);
      }
      return existing != null ? "#" + existing.id() : "a new softphone";
    }
  }

  /** A line row as planned. */
  private static final class PlannedLine {
    final ImportRow row;
    final @Nullable Line existing;
    @Nullable PlannedDevice device;
    @Nullable Integer lineNo;
    @Nullable String newSecret;
    boolean generated;

    PlannedLine(ImportRow row, @Nullable Line existing) {
      this.row = row;
      this.existing = existing;
    }
  }

  Plan plan(TemplateFile file, boolean createDomains) {
    List<RowError> errors = new ArrayList<>(file.errors());
    List<ImportRow> rows = new ArrayList<>(file.rows().size());
    for (TemplateRow t : file.rows()) {
      ImportRow r = ImportRow.of(t, errors);
      if (r != null) {
        rows.add(r);
      }
    }
    int rowErrors = errors.size();
    checkRowsAgainstEachOther(rows, errors);
    List<String> createdDomains = checkDomains(rows, file.domains(), createDomains, errors);
    if (rowErrors > 0) {
      fail(errors); // rows that cannot be read at all: planning the others would only add noise
    }
    // rows in conflict with another row or naming an unknown domain are left out of planning, so
    // that
    // what the stored data says of the others is reported in the same run
    Set<Integer> bad = new HashSet<>();
    errors.forEach(e -> bad.add(e.row()));
    List<ImportRow> good = rows.stream().filter(r -> !bad.contains(r.row())).toList();
    return new Planning(good, createdDomains, errors).run();
  }

  /** A hash map that holds {@code n} entries without growing. */
  static <K, V> Map<K, V> sized(int n) {
    return new HashMap<>((int) (n / 0.75f) + 1);
  }

  private void fail(List<RowError> errors) {
    if (!errors.isEmpty()) {
      errors.sort(Comparator.comparingInt(RowError::line).thenComparingInt(RowError::row));
      throw new TemplateException(
          errors.subList(0, Math.min(errors.size(), templateLimits.maxErrors())), errors.size());
    }
  }

  /** A line or user named twice; a device described differently by two rows. */
  private static void checkRowsAgainstEachOther(List<ImportRow> rows, List<RowError> errors) {
    Map<LineKey, ImportRow> lines = sized(rows.size());
    Map<UserKey, ImportRow> users = new HashMap<>();
    Map<UserKey, ImportRow> displayNames = sized(rows.size());
    Map<String, ImportRow> macs = sized(rows.size());
    for (ImportRow r : rows) {
      if (r.isLine()) {
        ImportRow first = lines.putIfAbsent(r.key(), r);
        if (first != null) {
          errors.add(
              r.error(
                  Column.AUTH_USER,
                  r.key() + " is also in " + first.where() + "; name each line once"));
        }
      } else {
        ImportRow first = users.putIfAbsent(new UserKey(r.domain(), r.extension()), r);
        if (first != null) {
          errors.add(
              r.error(
                  Column.EXTENSION,
                  r.extension()
                      + "@"
                      + r.domain()
                      + " is also in "
                      + first.where()
                      + "; name each user once"));
        }
      }
      if (r.delete()) {
        continue;
      }
      if (r.extension() != null && r.displayName() != null) {
        ImportRow first = displayNames.putIfAbsent(new UserKey(r.domain(), r.extension()), r);
        if (first != null && !first.displayName().equals(r.displayName())) {
          errors.add(
              r.error(
                  Column.DISPLAY_NAME,
                  "'"
                      + r.displayName()
                      + "' differs from '"
                      + first.displayName()
                      + "' in "
                      + first.where()
                      + " for the same user "
                      + r.extension()));
        }
      }
      if (r.mac() != null) {
        ImportRow first = macs.putIfAbsent(r.mac(), r);
        if (first != null) {
          String mac = Values.formatMac(r.mac());
          if (!first.domain().equals(r.domain())) {
            errors.add(
                r.error(
                    Column.MAC,
                    "device "
                        + mac
                        + " is in "
                        + first.domain()
                        + " in "
                        + first.where()
                        + "; a device has one domain"));
          }
          differs(r, first, Column.MODEL, r.model(), first.model(), mac, errors);
          differs(r, first, Column.DESCRIPTION, r.description(), first.description(), mac, errors);
          differs(r, first, Column.EXTENSION, r.extension(), first.extension(), mac, errors);
        }
      }
    }
    for (ImportRow r : rows) {
      if (!r.delete() && r.extension() != null) {
        ImportRow userRow = users.get(new UserKey(r.domain(), r.extension()));
        if (userRow != null && userRow.delete()) {
          errors.add(
              r.error(
                  Column.EXTENSION, "user " + r.extension() + " is deleted in " + userRow.where()));
        }
      }
    }
  }

  private static void differs(
      ImportRow r,
      ImportRow first,
      Column column,
      @Nullable String value,
      @Nullable String firstValue,
      String mac,
      List<RowError> errors) {
    if (value != null && firstValue != null && !value.equals(firstValue)) {
      errors.add(
          r.error(
              column,
              "'"
                  + value
                  + "' differs from '"
                  + firstValue
                  + "' given for device "
                  + mac
                  + " in "
                  + first.where()));
    }
  }

  /**
   * Every domain named must exist, or be created ({@code --create-domains}); returns the ones to
   * create.
   */
  private List<String> checkDomains(
      List<ImportRow> rows, List<String> listed, boolean create, List<RowError> errors) {
    Map<String, ImportRow> named = new LinkedHashMap<>();
    for (ImportRow r : rows) {
      named.putIfAbsent(r.domain(), r);
    }
    Set<String> all = new TreeSet<>(named.keySet());
    for (String d : listed) {
      try {
        all.add(Values.domain(d));
      } catch (dev.evertone.store.ValidationException e) {
        errors.add(new RowError(0, 0, "domains", ImportRow.reason(e)));
      }
    }
    Set<String> existing = new HashSet<>();
    domains.list().forEach(d -> existing.add(d.name()));
    List<String> missing = new ArrayList<>();
    for (String d : all) {
      if (existing.contains(d)) {
        continue;
      }
      if (create) {
        missing.add(d);
        continue;
      }
      ImportRow first = named.get(d);
      String reason =
          "domain "
              + d
              + " does not exist; add it first ('evertone domain add "
              + d
              + "'), or import with --create-domains";
      errors.add(
          first == null
              ? new RowError(0, 0, "domains", reason)
              : first.error(Column.DOMAIN, reason));
    }
    return missing;
  }

  /** One planning run over validated rows. */
  private final class Planning {
    private final List<ImportRow> rows;
    private final List<String> createdDomains;
    private final ChangeSet.Builder changes = ChangeSet.builder();
    private final List<RowError> errors;
    private final ProvisioningState state;
    private final Map<LineKey, Line> lines;
    private final Map<Long, Device> devicesById;
    private final Map<String, Device> devicesByMac;
    private final Map<Long, User> usersById;
    private final Map<UserKey, User> usersByKey;
    private final Map<UserKey, PlannedUser> plannedUsers = new LinkedHashMap<>();
    private final Map<Long, PlannedDevice> existingDevices = new LinkedHashMap<>();
    private final Map<String, PlannedDevice> newDevicesByMac = new HashMap<>();
    private final List<PlannedDevice> newDevices = new ArrayList<>();
    private final Set<Long> removedDevices = new HashSet<>();
    // the line rows as planned, in the order of the rows
    private final List<PlannedLine> plannedInOrder = new ArrayList<>();
    private final List<GeneratedSecret> generated = new ArrayList<>();

    Planning(List<ImportRow> rows, List<String> createdDomains, List<RowError> errors) {
      this.rows = rows;
      this.createdDomains = createdDomains;
      this.errors = errors;
      Set<String> domains = new TreeSet<>();
      Set<String> macs = new HashSet<>();
      for (ImportRow r : rows) {
        domains.add(r.domain());
        if (r.mac() != null) {
          macs.add(r.mac());
        }
      }
      this.state = repository.load(domains);
      lines = sized(state.lines().size());
      devicesById = sized(state.devices().size());
      devicesByMac = sized(state.devices().size() + macs.size());
      usersById = sized(state.users().size());
      usersByKey = sized(state.users().size());
      for (Line l : state.lines()) {
        lines.put(l.key(), l);
      }
      for (Device d : state.devices()) {
        devicesById.put(d.id(), d);
        if (d.mac() != null) {
          devicesByMac.put(d.mac(), d);
        }
      }
      // MACs are unique across domains: one the file's domains do not have may be a device
      // elsewhere (an error below)
      List<String> elsewhere = macs.stream().filter(m -> !devicesByMac.containsKey(m)).toList();
      for (Device d : repository.devicesWithMacs(elsewhere)) {
        devicesByMac.put(d.mac(), d);
      }
      for (User u : state.users()) {
        usersById.put(u.id(), u);
        usersByKey.put(new UserKey(u.domain(), u.extension()), u);
      }
    }

    Plan run() {
      for (String d : createdDomains) {
        changes.addDomain(d);
      }
      for (ImportRow r : rows) {
        if (r.isLine()) {
          planLine(r);
        } else {
          planUser(r);
        }
      }
      fail(errors);
      placeLines();
      fail(errors);
      List<PlanItem> deviceItems = removeEmptiedDevices();
      checkDeletedUsers();
      fail(errors);
      return build(deviceItems);
    }

    private PlannedUser user(String domain, String extension) {
      UserKey key = new UserKey(domain, extension);
      return plannedUsers.computeIfAbsent(
          key,
          k -> {
            User existing = usersByKey.get(k);
            return new PlannedUser(
                k, existing, existing != null ? existing.id() : changes.nextRef());
          });
    }

    private void planUser(ImportRow r) {
      UserKey key = new UserKey(r.domain(), r.extension());
      if (r.delete()) {
        if (!usersByKey.containsKey(key)) {
          errors.add(r.error(Column.EXTENSION, "there is no user " + key + " to delete"));
          return;
        }
        PlannedUser u = user(r.domain(), r.extension());
        u.delete = true;
        u.deletedBy = r;
        return;
      }
      PlannedUser u = user(r.domain(), r.extension());
      if (r.displayName() != null) {
        u.displayName = r.displayName();
      }
    }

    private void planLine(ImportRow r) {
      Line existing = lines.get(r.key());
      PlannedLine p = new PlannedLine(r, existing);
      plannedInOrder.add(p);
      if (r.delete()) {
        if (existing == null) {
          errors.add(r.error(Column.AUTH_USER, "there is no line " + r.key() + " to delete"));
        }
        return;
      }
      PlannedDevice device = device(r, existing);
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
      if (r.extension() != null) {
        PlannedUser owner = user(r.domain(), r.extension());
        if (r.displayName() != null) {
          owner.displayName = r.displayName();
        }
        Long current = device.existing == null ? null : device.existing.userId();
        if (device.owner != owner) {
          device.owner = owner;
          device.ownerChanged =
              device.existing != null && (current == null || current != owner.ref);
        }
      } else if (device.existing != null
          && device.owner == null
          && device.existing.userId() != null) {
        User u = usersById.get(device.existing.userId());
        if (u != null) {
          device.owner = user(u.domain(), u.extension());
        }
      }
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

    /**
     * The device a line row puts its line on; null (with an error) if the MAC belongs to another
     * domain.
     */
    private @Nullable PlannedDevice device(ImportRow r, @Nullable Line existing) {
      if (r.mac() != null) {
        Device d = devicesByMac.get(r.mac());
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
          return existingDevices.computeIfAbsent(
              d.id(), id -> new PlannedDevice(d.domain(), d, d.id(), d.mac()));
        }
        return newDevicesByMac.computeIfAbsent(r.mac(), mac -> newDevice(r.domain(), mac));
      }
      if (existing != null) {
        Device d = devicesById.get(existing.deviceId());
        return existingDevices.computeIfAbsent(
            d.id(), id -> new PlannedDevice(d.domain(), d, d.id(), d.mac()));
      }
      return newDevice(r.domain(), null);
    }

    private PlannedDevice newDevice(String domain, @Nullable String mac) {
      PlannedDevice d = new PlannedDevice(domain, null, changes.nextRef(), mac);
      newDevices.add(d);
      return d;
    }

    /**
     * Line numbers: the given ones must be free; the others take the first free number of their
     * device.
     */
    private void placeLines() {
      // one map of slots for every device: key deviceRef * 100 + line number (line numbers are 1 to
      // 64)
      Map<Long, LineKey> taken = sized(state.lines().size() + plannedInOrder.size());
      Set<Long> leaving = leaving();
      for (Line l : state.lines()) {
        if (!leaving.contains(l.id())) {
          taken.put(slot(l.deviceId(), l.lineNo()), l.key());
        }
      }
      List<PlannedLine> automatic = new ArrayList<>();
      for (PlannedLine p : plannedInOrder) {
        if (p.device == null) {
          continue;
        }
        if (p.lineNo == null) {
          automatic.add(p);
          continue;
        }
        LineKey other = taken.putIfAbsent(slot(p.device.ref, p.lineNo), p.row.key());
        if (other != null) {
          errors.add(
              p.row.error(
                  Column.LINE,
                  "line " + p.lineNo + " of device " + p.device.name() + " is taken by " + other));
        }
      }
      for (PlannedLine p : automatic) {
        int n = 1;
        while (taken.containsKey(slot(p.device.ref, n))) {
          n++;
        }
        if (n > Values.MAX_LINES) {
          errors.add(
              p.row.error(Column.LINE, "device " + p.device.name() + " has no free line left"));
          continue;
        }
        taken.put(slot(p.device.ref, n), p.row.key());
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
    private Set<Long> leaving() {
      Set<Long> ids = new HashSet<>((int) (plannedInOrder.size() / 0.75f) + 1);
      for (PlannedLine p : plannedInOrder) {
        if (p.existing != null) {
          ids.add(p.existing.id());
        }
      }
      return ids;
    }

    /** Existing devices that no line is left on are removed with the plan. */
    private List<PlanItem> removeEmptiedDevices() {
      Map<Long, Integer> remaining = sized(state.devices().size());
      Set<Long> leaving = leaving();
      for (PlannedLine p : plannedInOrder) {
        if (p.device != null && p.device.existing != null) {
          remaining.merge(p.device.existing.id(), 1, Integer::sum);
        }
      }
      for (Line l : state.lines()) {
        if (!leaving.contains(l.id())) {
          remaining.merge(l.deviceId(), 1, Integer::sum);
        }
      }
      List<PlanItem> items = new ArrayList<>();
      Set<Long> touched = new LinkedHashSet<>();
      for (PlannedLine p : plannedInOrder) {
        if (p.existing != null) {
          touched.add(p.existing.deviceId());
        }
      }
      for (long id : touched) {
        if (remaining.getOrDefault(id, 0) == 0) {
          Device d = devicesById.get(id);
          changes.device(new DeleteDevice(d.id(), d.revision()));
          existingDevices.remove(id);
          removedDevices.add(id);
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

    /** A user may only be deleted if no device (after the plan) is still theirs. */
    private void checkDeletedUsers() {
      for (PlannedUser u : plannedUsers.values()) {
        if (!u.delete) {
          continue;
        }
        for (Device d : state.devices()) {
          PlannedDevice planned = existingDevices.get(d.id());
          Long owner =
              planned != null ? (planned.owner == null ? null : planned.owner.ref) : d.userId();
          if (!removedDevices.contains(d.id()) && owner != null && owner == u.ref) {
            errors.add(
                u.deletedBy.error(
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
        for (PlannedDevice d : newDevices) {
          if (d.owner == u) {
            errors.add(
                u.deletedBy.error(
                    Column.EXTENSION,
                    "user " + u.key + " is the owner of device " + d.name() + " in this file"));
          }
        }
      }
    }

    private Plan build(List<PlanItem> deviceItems) {
      BlastRadiusGuard guard = new BlastRadiusGuard(limits, state.linesPerDomain());
      // users first, then devices, then lines: the store applies them in that order too
      for (PlannedUser u : plannedUsers.values()) {
        if (u.existing == null) {
          changes.user(new CreateUser(u.ref, u.key.domain(), u.key.extension(), u.displayName));
        } else if (u.delete) {
          changes.user(new DeleteUser(u.existing.id(), u.existing.revision()));
        } else if (u.renamed()) {
          changes.user(new UpdateUser(u.existing.id(), u.existing.revision(), u.displayName));
        }
      }
      for (PlannedDevice d : newDevices) {
        changes.device(
            new CreateDevice(
                d.ref,
                d.domain,
                d.mac,
                d.model,
                d.description,
                d.owner == null ? null : d.owner.ref));
      }
      for (PlannedDevice d : existingDevices.values()) {
        if (d.changed()) {
          changes.device(
              new UpdateDevice(
                  d.existing.id(),
                  d.existing.revision(),
                  d.mac,
                  d.model,
                  d.description,
                  d.owner == null ? null : d.owner.ref));
        }
      }
      int[] counts = new int[4]; // created, updated, unchanged, deleted
      List<PlanItem> items = new ArrayList<>();
      int omitted = 0;
      Iterator<PlannedLine> lines = plannedInOrder.iterator();
      for (ImportRow r : rows) {
        PlanItem item =
            r.isLine()
                ? lineItem(
                    lines.next(), guard, counts[0] < ITEMS_PER_KIND, counts[3] < ITEMS_PER_KIND)
                : userItem(r);
        int kind =
            switch (item.action()) {
              case PlanItem.CREATE -> 0;
              case PlanItem.UPDATE -> 1;
              case PlanItem.UNCHANGED -> 2;
              default -> 3;
            };
        // every row is planned and counted; the first ones of each kind are kept to be shown (a
        // plan of a
        // million rows would otherwise be held, and sent, whole)
        if (counts[kind]++ < ITEMS_PER_KIND) {
          items.add(item);
        } else {
          omitted++;
        }
      }
      items.addAll(deviceItems);
      Summary summary =
          new Summary(
              rows.size(), counts[0], counts[1], counts[2], counts[3], 0, 0, 0, 0, guard.total());
      return new Plan(changes, items, omitted, summary, guard, generated, createdDomains);
    }

    private PlanItem userItem(ImportRow r) {
      PlannedUser u = plannedUsers.get(new UserKey(r.domain(), r.extension()));
      String key = u.key.toString();
      if (u.delete) {
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

    /**
     * Adds the row's line operation to the plan, and returns what it does; creations and deletions
     * beyond the ones listed are not described (only counted), which keeps a million-row plan
     * cheap.
     */
    private PlanItem lineItem(
        PlannedLine p, BlastRadiusGuard guard, boolean describeCreate, boolean describeDelete) {
      ImportRow r = p.row;
      Line existing = p.existing;
      if (r.delete()) {
        changes.line(new DeleteLine(existing.id(), existing.revision(), existing.key()));
        guard.credentialChange(r.domain());
        return describeDelete
            ? new PlanItem(r.row(), PlanItem.DELETE, "line", r.key().toString(), List.of(), null)
            : UNDESCRIBED_DELETE;
      }
      String key = r.key().toString();
      PlannedDevice device = p.device;
      List<FieldChange> fields = new ArrayList<>();
      Plain secret = p.newSecret == null ? null : new Plain(p.newSecret);
      if (existing == null) {
        changes.line(
            new CreateLine(
                device.ref, p.lineNo, r.domain(), r.authUser(), secret, HistoryEntry.CREATED));
        if (p.generated) {
          generated.add(new GeneratedSecret(r.domain(), r.authUser(), p.newSecret));
        }
        if (!describeCreate) {
          return UNDESCRIBED_CREATE;
        }
        fields.add(new FieldChange("device", null, device.name()));
        fields.add(new FieldChange("line", null, String.valueOf(p.lineNo)));
        deviceAndOwnerFields(device, null, fields);
        fields.add(new FieldChange("secret", null, p.generated ? "(generated)" : "(set)"));
        return new PlanItem(r.row(), PlanItem.CREATE, "line", key, fields, null);
      }
      Device before = devicesById.get(existing.deviceId());
      boolean moved = device.existing == null || device.existing.id() != existing.deviceId();
      if (moved) {
        fields.add(
            new FieldChange(
                "device",
                before.mac() != null ? Values.formatMac(before.mac()) : "#" + before.id(),
                device.name()));
      }
      if (existing.lineNo() != p.lineNo) {
        fields.add(
            new FieldChange("line", String.valueOf(existing.lineNo()), String.valueOf(p.lineNo)));
      }
      deviceAndOwnerFields(device, device.existing, fields);
      if (secret != null) {
        fields.add(new FieldChange("secret", FieldChange.HIDDEN, FieldChange.HIDDEN));
        guard.credentialChange(r.domain());
      }
      if (moved || existing.lineNo() != p.lineNo || secret != null) {
        changes.line(
            new UpdateLine(
                existing.id(),
                existing.revision(),
                existing.key(),
                device.ref,
                p.lineNo,
                secret,
                HistoryEntry.CHANGED));
      }
      return new PlanItem(
          r.row(),
          fields.isEmpty() ? PlanItem.UNCHANGED : PlanItem.UPDATE,
          "line",
          key,
          fields,
          null);
    }

    /**
     * The device's and owner's fields that differ from what is stored (all of them for a new
     * device).
     */
    private void deviceAndOwnerFields(
        PlannedDevice device, @Nullable Device stored, List<FieldChange> fields) {
      if (!Objects.equals(device.model, stored == null ? null : stored.model())) {
        fields.add(new FieldChange("model", stored == null ? null : stored.model(), device.model));
      }
      if (!Objects.equals(device.description, stored == null ? null : stored.description())) {
        fields.add(
            new FieldChange(
                "description", stored == null ? null : stored.description(), device.description));
      }
      User storedOwner =
          stored == null || stored.userId() == null ? null : usersById.get(stored.userId());
      String ownerBefore = storedOwner == null ? null : storedOwner.extension();
      String ownerAfter = device.owner == null ? null : device.owner.key.extension();
      if (!Objects.equals(ownerBefore, ownerAfter)) {
        fields.add(
            new FieldChange(
                "extension",
                ownerBefore,
                ownerAfter == null
                    ? null
                    : ownerAfter + (device.owner.existing == null ? " (new user)" : "")));
      }
      if (device.owner != null
          && (device.owner.renamed()
              || (device.owner.existing == null && device.owner.displayName != null))) {
        fields.add(
            new FieldChange(
                "display_name",
                device.owner.existing == null ? null : device.owner.existing.displayName(),
                device.owner.displayName));
      }
    }
  }
}
