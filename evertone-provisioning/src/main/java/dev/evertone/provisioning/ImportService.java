package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Format;
import dev.evertone.provisioning.template.TemplateFile;
import dev.evertone.provisioning.template.TemplateReader;
import dev.evertone.store.provisioning.ChangeSet;
import java.util.List;
import java.util.Locale;

/**
 * Imports of the device template: read and check the file, plan it against what is stored ({@link
 * ImportPlanner}), put the plan before the blast-radius guard, and (unless a dry run) apply it in
 * one transaction as one batch.
 */
final class ImportService {
  private final ProvisioningContext context;

  ImportService(ProvisioningContext context) {
    this.context = context;
  }

  PlanResult importFile(byte[] content, ImportOptions options) {
    TemplateFile file = read(content, options);
    ImportPlanner.Plan plan = plan(file, options.createDomains());
    GuardReport guard =
        plan.guard()
            .report(
                options.confirmLarge(), "this import", "--confirm-large (API: confirm_large=true)");
    if (options.dryRun()) {
      return unapplied(plan, guard);
    }
    String fileName = options.fileName() == null ? "(upload)" : options.fileName();
    if (guard.large() && !options.confirmLarge()) {
      // recorded, so that the status page's import monitor (on any node) sees a refused change of
      // this size
      context.apply(ChangeSet.builder().audit("import.refused", fileName, guard.message()));
      throw new LargeChangeException(unapplied(plan, guard));
    }
    return apply(plan, guard, fileName);
  }

  private TemplateFile read(byte[] content, ImportOptions options) {
    Format format =
        options.format() != null ? options.format() : Format.detect(options.fileName(), content);
    return context.step(
        () -> new TemplateReader(context.config().template()).read(content, format),
        f ->
            String.format(
                Locale.ROOT,
                "read %,d rows (%,d bytes, %s)",
                f.rows().size(),
                content.length,
                format));
  }

  private ImportPlanner.Plan plan(TemplateFile file, boolean createDomains) {
    return context.step(
        () ->
            new ImportPlanner(
                    context.store().provisioning(),
                    context.store().domains(),
                    context.config().guard(),
                    context.config().template())
                .plan(file, createDomains),
        p ->
            String.format(
                Locale.ROOT,
                "checked every row and planned %,d changes",
                p.summary().created() + p.summary().updated() + p.summary().deleted()));
  }

  /** A plan as shown when it is not applied: a dry run, or one the guard refused. */
  private static PlanResult unapplied(ImportPlanner.Plan plan, GuardReport guard) {
    return new PlanResult(
        null,
        false,
        plan.summary(),
        plan.items(),
        plan.itemsOmitted(),
        guard,
        List.of(),
        plan.createdDomains());
  }

  /** Applies the plan as a new batch, with its audit events, in one transaction. */
  private PlanResult apply(ImportPlanner.Plan plan, GuardReport guard, String fileName) {
    String batch = context.batchId("import");
    Summary s = plan.summary();
    ChangeSet.Builder changes = plan.changes().batch(batch);
    for (String d : plan.createdDomains()) {
      changes.audit("domain.add", d, "created by import " + batch);
    }
    if (guard.large()) {
      changes.audit("import.large", fileName, guard.message());
    }
    changes.audit(
        "import.apply",
        fileName,
        String.format(
            "%d rows: %d created, %d updated, %d unchanged, %d deleted; %d credentials changed or deleted%s",
            s.rows(),
            s.created(),
            s.updated(),
            s.unchanged(),
            s.deleted(),
            s.credentialChanges(),
            guard.large() ? " (large, confirmed)" : ""));
    context.step(
        () -> {
          context.apply(changes);
          return batch;
        },
        b -> "applied as batch " + b + " in one transaction");
    return new PlanResult(
        batch,
        true,
        s,
        plan.items(),
        plan.itemsOmitted(),
        guard,
        plan.generated(),
        plan.createdDomains());
  }
}
