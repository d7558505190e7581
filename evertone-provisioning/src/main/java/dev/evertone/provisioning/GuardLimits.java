package dev.evertone.provisioning;

/**
 * The blast-radius guard's limits: a plan that changes (or deletes, or restores) the credentials of
 * more than {@code percent} of a domain's lines, or of more than {@code devices} lines in all, is
 * refused unless confirmed. Changing up to {@code smallChange} lines of a domain never counts as
 * large by share, so that a domain of five phones can still have one changed.
 */
public record GuardLimits(int percent, int devices, int smallChange) {
  public GuardLimits {
    if (percent < 1 || percent > 100 || devices < 1 || smallChange < 0) {
      throw new IllegalArgumentException(
          "guard limits: percent must be 1-100, devices at least 1, small-change 0 or more");
    }
  }

  public static final GuardLimits DEFAULT = new GuardLimits(10, 1000, 10);
}
