package dev.evertone.cli;

import dev.evertone.provisioning.DomainImpact;
import dev.evertone.provisioning.FieldChange;
import dev.evertone.provisioning.PlanItem;
import dev.evertone.provisioning.PlanResult;
import dev.evertone.provisioning.Summary;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Prints the plan of an import or restore: the counts, then every change that touches an existing
 * line, device or user (updates, deletions, restores, skips), and creations up to a limit unless
 * verbose.
 */
final class PlanPrinter {
  private static final int CREATES_SHOWN = 20;

  private PlanPrinter() {}

  static void print(PrintWriter out, PlanResult plan, boolean verbose) {
    Summary s = plan.summary();
    out.println(summary(s));
    int createsShown = 0;
    int createsHidden = 0;
    for (PlanItem i : plan.items()) {
      boolean create = i.action().equals(PlanItem.CREATE) || i.action().equals(PlanItem.RECREATE);
      if (i.action().equals(PlanItem.UNCHANGED) && !verbose) {
        continue;
      }
      if (create && !verbose && createsShown >= CREATES_SHOWN) {
        createsHidden++;
        continue;
      }
      if (create) {
        createsShown++;
      }
      out.println(line(i));
    }
    if (createsHidden > 0) {
      out.println(
          String.format(
              Locale.ROOT,
              "  ... and %,d more to create (--verbose lists every one)",
              createsHidden));
    }
    if (plan.itemsOmitted() > 0) {
      out.println(
          String.format(
              Locale.ROOT,
              "  ... and %,d more lines, counted above (--json lists the first %,d of each kind)",
              plan.itemsOmitted(),
              1000));
    }
    for (DomainImpact d : plan.guard().domains()) {
      out.println(
          String.format(
              Locale.ROOT,
              "credentials changed, deleted or restored in %s: %,d of %,d lines (%.1f%%)",
              d.domain(),
              d.credentialChanges(),
              d.lines(),
              d.percent()));
    }
    if (!plan.createdDomains().isEmpty()) {
      out.println("domains created: " + String.join(", ", plan.createdDomains()));
    }
  }

  static String summary(Summary s) {
    StringBuilder sb = new StringBuilder("plan: ");
    if (s.rows() > 0) {
      sb.append(String.format(Locale.ROOT, "%,d rows: ", s.rows()));
    }
    String counts =
        List.of(
                count(s.created(), "to create"),
                count(s.updated(), "to update"),
                count(s.restored(), "to restore"),
                count(s.recreated(), "to recreate"),
                count(s.deleted(), "to delete"),
                count(s.unchanged(), "unchanged"),
                count(s.kept(), "kept (newer than the restore point)"),
                count(s.skipped(), "skipped"))
            .stream()
            .filter(c -> !c.isEmpty())
            .collect(Collectors.joining(", "));
    return sb.append(counts.isEmpty() ? "nothing to do" : counts).toString();
  }

  private static String count(int n, String what) {
    return n == 0 ? "" : String.format(Locale.ROOT, "%,d %s", n, what);
  }

  private static String line(PlanItem i) {
    StringBuilder sb =
        new StringBuilder("  ").append(String.format("%-9s", i.action())).append(' ');
    if (!i.entity().equals("line")) {
      sb.append(i.entity()).append(' ');
    }
    sb.append(i.key());
    if (i.row() > 0) {
      sb.append("  (row ").append(i.row()).append(')');
    }
    if (!i.changes().isEmpty()) {
      sb.append(": ")
          .append(i.changes().stream().map(PlanPrinter::change).collect(Collectors.joining("; ")));
    }
    if (i.note() != null) {
      sb.append(" [").append(i.note()).append(']');
    }
    return sb.toString();
  }

  private static String change(FieldChange c) {
    if (c.field().equals("secret") && c.from() != null) {
      return "secret changed"; // never more than that of a secret
    }
    if (c.from() == null) {
      return c.field() + " " + c.to();
    }
    return c.field() + " " + c.from() + " -> " + c.to();
  }
}
