package dev.evertone.provisioning;

import dev.evertone.store.provisioning.ChangeSet;
import java.util.ArrayList;
import java.util.List;
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
                    : "planned: " + lineChanges(r.plan().summary()));
    if (result.refused()) {
      throw new LargeChangeException(result.plan());
    }
    return result.plan();
  }

  /** What a restore does to lines, in words: "5 lines to delete", "nothing to change". */
  private static String lineChanges(Summary s) {
    List<String> parts = new ArrayList<>();
    int[] counts = {s.restored(), s.recreated(), s.deleted()};
    String[] what = {"to restore", "to recreate", "to delete"};
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        parts.add(
            String.format(
                Locale.ROOT, "%,d line%s %s", counts[i], counts[i] == 1 ? "" : "s", what[i]));
      }
    }
    return parts.isEmpty() ? "nothing to change" : String.join(", ", parts);
  }
}
