package dev.evertone.provisioning;

import dev.evertone.store.Actor;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.Store;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.RestoreOutcome;
import dev.evertone.store.provisioning.RestorePlan;
import dev.evertone.store.provisioning.RestoreSpec;
import dev.evertone.store.provisioning.Scope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A restore of credentials: each line in scope gets back the secret it had at a moment ({@code
 * --at}) or before a batch ({@code --batch}, undoing an import or a restore). The store plans it in
 * the database (set-based: a million lines in seconds); this class turns the request into the
 * store's terms, puts the plan before the blast-radius guard, and the plan into what the caller
 * sees.
 *
 * <p>A line whose secret differs is restored (pointed back to its old version; nothing is
 * decrypted); a line deleted since is recreated where it was; with {@code --batch}, a line the
 * batch created is deleted, and a line changed again after the batch is skipped, so that undoing an
 * import never overwrites a later fix. With {@code --at}, lines created after that moment are kept.
 */
final class RestorePlanner {
  /** Lines of each kind listed one by one in a plan; the counts are always complete. */
  static final int ITEMS_PER_KIND = 1000;

  private final Store store;
  private final GuardLimits limits;

  RestorePlanner(Store store, GuardLimits limits) {
    this.store = store;
    this.limits = limits;
  }

  /** The restore's outcome as the caller sees it, and the guard's view of it. */
  record Result(PlanResult plan, boolean refused) {}

  /**
   * Plans the restore and, unless {@code dryRun} or the guard refuses it, applies it as batch
   * {@code batchId} with the audit event {@code audit} makes of its summary.
   */
  Result restore(
      RestoreRequest request,
      Actor actor,
      String batchId,
      Function<Summary, ChangeSet.AuditEntry> audit) {
    RestoreSpec spec = spec(request);
    GuardReport[] guard = new GuardReport[1];
    Summary[] summary = new Summary[1];
    RestoreOutcome outcome =
        store
            .credentials()
            .restore(
                spec,
                actor,
                batchId,
                plan -> {
                  BlastRadiusGuard g = new BlastRadiusGuard(limits, plan.linesPerDomain());
                  plan.counts()
                      .forEach(
                          (domain, counts) -> {
                            int changes =
                                counts.getOrDefault(RestorePlan.Kind.RESTORE, 0)
                                    + counts.getOrDefault(RestorePlan.Kind.RECREATE, 0)
                                    + counts.getOrDefault(RestorePlan.Kind.DELETE, 0);
                            for (int i = 0; i < changes; i++) {
                              g.credentialChange(domain);
                            }
                          });
                  guard[0] =
                      g.report(
                          request.confirmLarge(),
                          "this restore",
                          "--confirm-large (API: confirm_large=true)");
                  summary[0] = summary(plan, g.total());
                  boolean apply =
                      !request.dryRun() && (!guard[0].large() || request.confirmLarge());
                  return apply ? audit.apply(summary[0]) : null;
                });
    PlanResult result =
        new PlanResult(
            outcome.applied() ? batchId : null,
            outcome.applied(),
            summary[0],
            items(outcome.plan()),
            outcome.plan().itemsOmitted(),
            guard[0],
            List.of(),
            List.of());
    return new Result(result, !outcome.applied() && !request.dryRun());
  }

  /** The store's terms for a request, every name in it checked. */
  private RestoreSpec spec(RestoreRequest request) {
    if ((request.at() == null) == (request.batch() == null)) {
      throw new IllegalArgumentException(
          "a restore needs either a time (--at) or a batch (--batch), not both");
    }
    String domain = request.domain() == null ? null : Values.domain(request.domain());
    if (domain != null && store.domains().find(domain).isEmpty()) {
      throw new NotFoundException("domain " + domain + " does not exist");
    }
    Set<LineKey> lines = new HashSet<>();
    for (String l : request.lines()) {
      lines.add(lineKey(l));
    }
    Set<String> macs = new HashSet<>();
    for (String m : request.macs()) {
      macs.add(Values.mac(m));
    }
    Set<String> domains = null;
    if (domain != null) {
      domains = Set.of(domain);
    } else if (!lines.isEmpty() && macs.isEmpty()) {
      domains = new TreeSet<>();
      for (LineKey k : lines) {
        domains.add(k.domain());
      }
    }
    return new RestoreSpec(
        request.at(), request.batch(), new Scope(domains, lines, macs), ITEMS_PER_KIND);
  }

  private static LineKey lineKey(String text) {
    int at = text.lastIndexOf('@');
    if (at <= 0 || at == text.length() - 1) {
      throw new IllegalArgumentException(
          "'" + text + "' does not name a line; write AUTH_USER@DOMAIN, e.g. 1001@example.com");
    }
    return new LineKey(
        Values.domain(text.substring(at + 1)), Values.authUser(text.substring(0, at)));
  }

  private static Summary summary(RestorePlan plan, int credentialChanges) {
    return new Summary(
        0,
        0,
        0,
        plan.total(RestorePlan.Kind.UNCHANGED),
        plan.total(RestorePlan.Kind.DELETE),
        plan.total(RestorePlan.Kind.RESTORE),
        plan.total(RestorePlan.Kind.RECREATE),
        plan.total(RestorePlan.Kind.KEEP),
        plan.total(RestorePlan.Kind.SKIP),
        credentialChanges);
  }

  private static List<PlanItem> items(RestorePlan plan) {
    List<PlanItem> items = new ArrayList<>(plan.items().size());
    for (RestorePlan.Item i : plan.items()) {
      String action =
          switch (i.kind()) {
            case RESTORE -> PlanItem.RESTORE;
            case RECREATE -> PlanItem.RECREATE;
            case DELETE -> PlanItem.DELETE;
            case UNCHANGED -> PlanItem.UNCHANGED;
            case KEEP -> PlanItem.KEEP;
            case SKIP -> PlanItem.SKIP;
          };
      List<FieldChange> changes =
          i.kind() == RestorePlan.Kind.RESTORE || i.kind() == RestorePlan.Kind.RECREATE
              ? List.of(new FieldChange("secret", null, "as it was"))
              : List.of();
      items.add(new PlanItem(0, action, "line", i.line().toString(), changes, i.note()));
    }
    for (RestorePlan.Removal r : plan.removals()) {
      items.add(new PlanItem(0, PlanItem.DELETE, r.entity(), r.key(), List.of(), r.note()));
    }
    return items;
  }
}
