package dev.evertone.provisioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a plan is large. The other half of the guard is mechanical: a plan only names the
 * lines of its rows, and the store refuses any statement that touches another row than the one it
 * names.
 */
final class BlastRadiusGuard {
  private final GuardLimits limits;
  private final Map<String, Integer> linesBefore;
  private final Map<String, Integer> changes = new TreeMap<>();

  /**
   * @param linesBefore each domain's number of lines before the plan
   */
  BlastRadiusGuard(GuardLimits limits, Map<String, Integer> linesBefore) {
    this.limits = limits;
    this.linesBefore = linesBefore;
  }

  /** Counts one credential changed, deleted or restored in {@code domain}. */
  void credentialChange(String domain) {
    changes.merge(domain, 1, Integer::sum);
  }

  int total() {
    return changes.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * @param what "this import" or "this restore", for the message
   * @param confirmHint how to confirm, e.g. "--confirm-large"
   */
  GuardReport report(boolean confirmed, String what, String confirmHint) {
    List<DomainImpact> impacts = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (Map.Entry<String, Integer> e : changes.entrySet()) {
      int lines = linesBefore.getOrDefault(e.getKey(), 0);
      int changed = e.getValue();
      double percent = lines == 0 ? 100.0 : 100.0 * changed / lines;
      impacts.add(new DomainImpact(e.getKey(), lines, changed, Math.round(percent * 10) / 10.0));
      if (changed > limits.smallChange() && percent > limits.percent()) {
        reasons.add(
            String.format(
                Locale.ROOT,
                "%,d lines of %s, which has %,d (%.1f%%, limit %d%%)",
                changed,
                e.getKey(),
                lines,
                percent,
                limits.percent()));
      }
    }
    int total = total();
    if (total > limits.devices()) {
      reasons.add(
          String.format(Locale.ROOT, "%,d lines in all (limit %,d)", total, limits.devices()));
    }
    boolean large = !reasons.isEmpty();
    String message =
        large
            ? what
                + " changes, deletes or restores the credentials of "
                + String.join("; and ", reasons)
                + (confirmed
                    ? ". Confirmed."
                    : ". Nothing was written. Check the plan (dry run); if it is intended, run it again with "
                        + confirmHint
                        + ".")
            : null;
    return new GuardReport(
        large, confirmed, impacts, total, limits.percent(), limits.devices(), message);
  }
}
