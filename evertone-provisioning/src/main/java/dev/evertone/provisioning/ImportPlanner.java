package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.RowError;
import dev.evertone.provisioning.template.TemplateException;
import dev.evertone.provisioning.template.TemplateFile;
import dev.evertone.provisioning.template.TemplateLimits;
import dev.evertone.provisioning.template.TemplateRow;
import dev.evertone.store.ValidationException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.DomainRepository;
import dev.evertone.store.provisioning.ProvisioningRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a template file into a plan: what to create, change, leave alone and delete, as a change
 * set that names only the lines, devices and users of the file's rows. Every row is checked first
 * ({@link ImportRow}), then the rows against each other ({@link RowConflicts}) and the domains they
 * name, then against what is stored ({@link StoredState}): the users ({@link PlannedUsers}), the
 * devices ({@link PlannedDevices}) and the lines ({@link PlannedLines}). Any error anywhere means
 * no plan at all, with every error listed.
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
    RowConflicts.check(rows, errors);
    List<String> createdDomains = checkDomains(rows, file.domains(), createDomains, errors);
    if (rowErrors > 0) {
      fail(errors); // rows that cannot be read at all: planning the others would only add noise
    }
    // rows in conflict with another row or naming an unknown domain are left out of planning, so
    // that what the stored data says of the others is reported in the same run
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
      } catch (ValidationException e) {
        errors.add(new RowError(0, 0, "domains", e.reason()));
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
    private final List<RowError> errors;
    private final ChangeSet.Builder changes = ChangeSet.builder();
    private final StoredState stored;
    private final PlannedUsers users;
    private final PlannedDevices devices;
    private final PlannedLines lines;

    Planning(List<ImportRow> rows, List<String> createdDomains, List<RowError> errors) {
      this.rows = rows;
      this.createdDomains = createdDomains;
      this.errors = errors;
      this.stored = new StoredState(repository, rows);
      this.users = new PlannedUsers(stored, changes, errors);
      this.devices = new PlannedDevices(stored, changes, errors);
      this.lines = new PlannedLines(repository, stored, changes, errors, users, devices);
    }

    Plan run() {
      for (String d : createdDomains) {
        changes.addDomain(d);
      }
      for (ImportRow r : rows) {
        if (r.isLine()) {
          lines.plan(r);
        } else {
          users.plan(r);
        }
      }
      fail(errors);
      lines.place();
      fail(errors);
      List<PlanItem> deviceItems = devices.removeEmptied(lines);
      users.checkDeleted(devices);
      fail(errors);
      return build(deviceItems);
    }

    private Plan build(List<PlanItem> deviceItems) {
      BlastRadiusGuard guard = new BlastRadiusGuard(limits, stored.state().linesPerDomain());
      // users first, then devices, then lines: the store applies them in that order too
      users.addChanges();
      devices.addChanges();
      int[] counts = new int[4]; // created, updated, unchanged, deleted
      List<PlanItem> items = new ArrayList<>();
      int omitted = 0;
      Iterator<PlannedLine> planned = lines.inOrder().iterator();
      for (ImportRow r : rows) {
        PlanItem item =
            r.isLine()
                ? lines.item(
                    planned.next(), guard, counts[0] < ITEMS_PER_KIND, counts[3] < ITEMS_PER_KIND)
                : users.item(r);
        int kind =
            switch (item.action()) {
              case PlanItem.CREATE -> 0;
              case PlanItem.UPDATE -> 1;
              case PlanItem.UNCHANGED -> 2;
              default -> 3;
            };
        // every row is planned and counted; the first ones of each kind are kept to be shown (a
        // plan of a million rows would otherwise be held, and sent, whole)
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
      return new Plan(changes, items, omitted, summary, guard, lines.generated(), createdDomains);
    }
  }
}
