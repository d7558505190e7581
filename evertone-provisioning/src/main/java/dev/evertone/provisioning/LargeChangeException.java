package dev.evertone.provisioning;

/**
 * A plan that the blast-radius guard stopped: it changes more credentials than the limits allow,
 * and was not confirmed. Nothing was written; {@link #plan()} says what would have been.
 */
public final class LargeChangeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient PlanResult plan;

  public LargeChangeException(PlanResult plan) {
    super(plan.guard().message());
    this.plan = plan;
  }

  public PlanResult plan() {
    return plan;
  }
}
