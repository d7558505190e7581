package dev.evertone.status;

import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * REGISTER failures against an objective, with the multi-window burn-rate rule of Google's SRE
 * workbook: it fails when the share of failed registrations over both a long and a short window
 * exceeds {@code burnRate} times the error budget ({@code 1 - objective}); the long window keeps a
 * short blip from declaring an incident, the short one ends it soon after recovery. It needs {@code
 * minRequests} in the long window (a quiet night with three failures is no incident).
 *
 * <p>What counts: a registration that succeeded; one that failed on the server's side (500, store
 * down); one refused for wrong credentials (403 after a challenge, not the normal first 401) only
 * when its account registered successfully within {@code recentSuccess}: a customer's phone that
 * stopped working (a password changed under it), not a stranger guessing, whose failures would
 * otherwise post a public incident. A request for a domain this platform does not serve is a
 * scanner's, not a customer's, and is not counted.
 */
public final class RegistrationMonitor implements Monitor {

  /**
   * When registrations count as failing: the error budget burning too fast in both windows.
   *
   * @param objective the share of registrations that should succeed, e.g. 0.99
   * @param burnRate how many times faster than the objective allows the budget must burn, e.g. 10
   *     (with 0.99: 10 % fail)
   * @param minRequests the fewest registrations in the long window for a verdict
   * @param recentSuccess how recently an account must have registered for its wrong password to
   *     count
   */
  public record Settings(
      double objective,
      double burnRate,
      Duration shortWindow,
      Duration longWindow,
      int minRequests,
      Duration recentSuccess) {
    public Settings {
      if (!(objective > 0 && objective < 1)
          || burnRate <= 0
          || shortWindow.toSeconds() < 1
          || longWindow.compareTo(shortWindow) < 0
          || minRequests < 1
          || recentSuccess.compareTo(longWindow) < 0) {
        throw new IllegalArgumentException(
            "registration monitor: objective in (0, 1), burn rate > 0, 1 s <= short window <= long window"
                + " <= recent success, min requests >= 1");
      }
    }

    double threshold() {
      return Math.min(1.0, burnRate * (1 - objective));
    }
  }

  /**
   * At most this many domains are followed one by one (for the tenant view); the total counts them
   * all.
   */
  private static final int MAX_DOMAINS = 10_000;

  /**
   * At most this many accounts' last successful registration are remembered (about 100 bytes each);
   * past it, accounts not seen yet are not counted when refused, so that the monitor errs towards
   * silence.
   */
  private static final int MAX_ACCOUNTS = 500_000;

  private final Settings settings;
  private final Predicate<String> served;
  private final SlidingCounts all;
  private final Map<String, SlidingCounts> byDomain = new ConcurrentHashMap<>();
  // account (user@domain) -> epoch second of its last successful registration
  private final Map<String, Long> lastSuccess = new ConcurrentHashMap<>();

  /**
   * @param served whether a domain is one of this platform's tenants
   */
  public RegistrationMonitor(Settings settings, Predicate<String> served) {
    this.settings = settings;
    this.served = served;
    this.all = new SlidingCounts((int) settings.longWindow().toSeconds());
  }

  /** A REGISTER of {@code account} ({@code user@domain}) succeeded. */
  public void registered(String account, String domain, Instant at) {
    long second = at.getEpochSecond();
    String key = account.toLowerCase(Locale.ROOT);
    if (lastSuccess.size() >= MAX_ACCOUNTS && !lastSuccess.containsKey(key)) {
      long oldest = second - settings.recentSuccess().toSeconds();
      lastSuccess.values().removeIf(s -> s < oldest);
    }
    if (lastSuccess.size() < MAX_ACCOUNTS || lastSuccess.containsKey(key)) {
      lastSuccess.put(key, second);
    }
    record(true, domain, at);
  }

  /**
   * A REGISTER of {@code account} was refused for its credentials: a failure only if the account
   * registered successfully within the recent-success window.
   */
  public void refused(String account, String domain, Instant at) {
    Long last = lastSuccess.get(account.toLowerCase(Locale.ROOT));
    if (last != null && at.getEpochSecond() - last <= settings.recentSuccess().toSeconds()) {
      record(false, domain, at);
    }
  }

  /** A REGISTER for {@code domain} failed on our side (500: the store down, say). */
  public void failed(String domain, Instant at) {
    record(false, domain, at);
  }

  /** One REGISTER outcome that counts. */
  void record(boolean success, String domain, Instant at) {
    String d = domain.toLowerCase(Locale.ROOT);
    if (!served.test(d)) {
      return;
    }
    long second = at.getEpochSecond();
    all.add(success, second);
    SlidingCounts mine = byDomain.get(d);
    if (mine == null && byDomain.size() < MAX_DOMAINS) {
      mine =
          byDomain.computeIfAbsent(
              d, x -> new SlidingCounts((int) settings.shortWindow().toSeconds()));
    }
    if (mine != null) {
      mine.add(success, second);
    }
  }

  @Override
  public String name() {
    return "registration";
  }

  @Override
  public String title() {
    return "SIP registrations failing";
  }

  @Override
  public Map<String, ComponentStatus> components() {
    return Map.of("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE);
  }

  @Override
  public Impact impact() {
    return Impact.MINOR;
  }

  @Override
  public Reading read(Instant now) {
    long second = now.getEpochSecond();
    int shortSeconds = (int) settings.shortWindow().toSeconds();
    SlidingCounts.Counts s = all.last(shortSeconds, second);
    SlidingCounts.Counts l = all.last((int) settings.longWindow().toSeconds(), second);
    double threshold = settings.threshold();
    boolean failing =
        l.total() >= settings.minRequests()
            && s.total() > 0
            && s.failureRatio() >= threshold
            && l.failureRatio() >= threshold;
    String summary =
        String.format(
            Locale.ROOT,
            "%d of %d registrations failed in the last %s (%.0f %%), %d of %d in the last %s (%.0f %%); "
                + "an incident opens above %.1f %% in both",
            s.failures(),
            s.total(),
            Durations.words(settings.shortWindow()),
            100 * s.failureRatio(),
            l.failures(),
            l.total(),
            Durations.words(settings.longWindow()),
            100 * l.failureRatio(),
            100 * threshold);
    List<String> tenants = new ArrayList<>();
    if (failing) {
      byDomain.forEach(
          (domain, counts) -> {
            SlidingCounts.Counts c = counts.last(shortSeconds, second);
            if (c.failures() > 0 && c.failureRatio() >= threshold) {
              tenants.add(domain);
            }
          });
      tenants.sort(null);
    }
    byDomain
        .entrySet()
        .removeIf(
            e -> e.getValue().last(shortSeconds, second).total() == 0); // forget domains gone quiet
    return new Reading(failing, summary, tenants);
  }
}
