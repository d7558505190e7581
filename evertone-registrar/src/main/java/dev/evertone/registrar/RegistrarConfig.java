package dev.evertone.registrar;

/**
 * Registrar settings (RFC 3261 10.3).
 *
 * @param minExpires shortest registration accepted; shorter ones get 423 with Min-Expires
 * @param maxExpires longest registration granted; longer requests are shortened to it
 * @param defaultExpires used when neither the contact nor the request says
 * @param maxContactsPerAor most contacts bound to one address-of-record; more are refused with 403
 * @param perSource failed-authentication limits per source IP address
 * @param perAccount failed-authentication limits per account
 * @param expiresRangePercent each granted expiry is shortened by a random amount up to this share
 *     of it (never below minExpires), so that devices that registered together (after an outage, a
 *     restart) do not refresh together; 0 grants what was asked
 */
public record RegistrarConfig(
    long minExpires,
    long maxExpires,
    long defaultExpires,
    int maxContactsPerAor,
    FailureLimits perSource,
    FailureLimits perAccount,
    int expiresRangePercent) {

  public RegistrarConfig {
    if (minExpires < 1
        || maxExpires < minExpires
        || defaultExpires < minExpires
        || defaultExpires > maxExpires) {
      throw new IllegalArgumentException(
          "expires must satisfy 1 <= min <= default <= max, got min="
              + minExpires
              + " default="
              + defaultExpires
              + " max="
              + maxExpires);
    }
    if (maxContactsPerAor < 1) {
      throw new IllegalArgumentException("maxContactsPerAor must be at least 1");
    }
    if (expiresRangePercent < 0 || expiresRangePercent > 50) {
      throw new IllegalArgumentException(
          "the expires range must be 0 to 50 percent, got " + expiresRangePercent);
    }
  }

  /** Like this, with another expires range. */
  public RegistrarConfig withExpiresRange(int percent) {
    return new RegistrarConfig(
        minExpires, maxExpires, defaultExpires, maxContactsPerAor, perSource, perAccount, percent);
  }

  /**
   * How many failed authentications of one key (a source address, an account) are allowed.
   *
   * @param failures failed authentications allowed within the window
   * @param windowSeconds the counting window
   * @param blockSeconds how long a key stays refused once over the limit
   */
  public record FailureLimits(int failures, long windowSeconds, long blockSeconds) {
    public FailureLimits {
      if (failures < 1 || windowSeconds < 1 || blockSeconds < 0) {
        throw new IllegalArgumentException("failure limits must be positive");
      }
    }
  }

  public static final RegistrarConfig DEFAULT =
      new RegistrarConfig(
          60, 7200, 3600, 10, new FailureLimits(10, 60, 600), new FailureLimits(20, 60, 600), 0);
}
