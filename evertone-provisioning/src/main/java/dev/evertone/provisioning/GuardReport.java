package dev.evertone.provisioning;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The blast-radius guard's view of a plan.
 *
 * @param large whether the plan exceeds a limit and so needs an explicit confirmation
 * @param confirmed whether it was confirmed (so it may go ahead although large)
 * @param domains the impact on each domain the plan touches
 * @param credentialChanges credentials changed, deleted or restored in all
 * @param message why the plan is large, with the numbers; null if it is not
 */
public record GuardReport(
    boolean large,
    boolean confirmed,
    List<DomainImpact> domains,
    int credentialChanges,
    int limitPercent,
    int limitDevices,
    @Nullable String message) {
  public GuardReport {
    domains = List.copyOf(domains);
  }
}
