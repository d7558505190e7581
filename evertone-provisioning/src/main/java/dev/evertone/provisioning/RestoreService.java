package dev.evertone.provisioning;

import dev.evertone.store.provisioning.ChangeSet;
import java.util.Locale;

/**
 * Restores of credentials to a moment or to before a batch, as one batch of their own: planned by
 * {@link RestorePlanner}, put before the blast-radius guard, and (unless a dry run) applied.
 */
final class RestoreService {
  private final ProvisioningContext context;

  RestoreService(ProvisioningContext context) {
    this.context = context;
  }

  PlanResult restore(RestoreRequest request) {
    String batch = context.batchId("restore");
    String what = request.at() != null ? "to " + request.at() : "undoing batch " + request.batch();
    String scope = request.domain() != null ? " in " + request.domain() : "";
    if (!request.lines().isEmpty() || !request.macs().isEmpty()) {
      scope +=
          " for "
              + String.join(", ", request.lines())
              + (request.macs().isEmpty() ? "" : " devices " + String.join(", ", request.macs()));
    }
    String target = request.batch() != null ? request.batch() : "at " + request.at();
    String where = scope;
    RestorePlanner.Result result =
        context.step(
            () ->
                new RestorePlanner(context.store(), context.config().guard())
                    .restore(
                        request,
                        context.actor(),
                        batch,
                        s ->
                            new ChangeSet.AuditEntry(
                                "credentials.restore",
                                target,
                                String.format(
                                    "%s%s: %d restored, %d recreated, %d deleted, %d unchanged, %d kept, %d skipped",
                                    what,
                                    where,
                                    s.restored(),
                                    s.recreated(),
                                    s.deleted(),
                                    s.unchanged(),
                                    s.kept(),
                                    s.skipped()))),
            r ->
                r.plan().applied()
                    ? "planned and applied as batch " + batch + " in one transaction"
                    : String.format(
                        Locale.ROOT,
                        "planned the restore of %,d lines",
                        r.plan().summary().restored() + r.plan().summary().recreated()));
    if (result.refused()) {
      throw new LargeChangeException(result.plan());
    }
    return result.plan();
  }
}
