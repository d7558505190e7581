package dev.evertone.status;

import dev.evertone.store.status.Component;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the public sees: the HTML page, the feeds and Statuspage's JSON. Nothing here names a
 * tenant.
 *
 * <p>During an incident everyone reloads the page at once: what was rendered is kept for {@link
 * #CACHE_MILLIS}, and dropped at once when this process changes anything (another node's change
 * shows within that time).
 */
public final class StatusPage {
  /** How long a rendering is served again without reading the store. */
  public static final long CACHE_MILLIS = 2_000;

  /** Days of the uptime bars. */
  public static final int UPTIME_DAYS = 90;

  /** Days of history on the page. */
  public static final int HISTORY_DAYS = 14;

  private final StatusService status;
  private final Set<String> notConfigured;
  private final StatuspageJson json;
  private final Clock clock;
  private final java.util.concurrent.atomic.AtomicLong version =
      new java.util.concurrent.atomic.AtomicLong();
  private final Map<String, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

  private record Cached(long version, long at, Object value) {}

  public StatusPage(StatusService status, Clock clock) {
    this(status, clock, Set.of());
  }

  /**
   * @param notConfigured the ids of components this installation does not offer (the webphone
   *     without WebSocket, STUN/TURN turned off): the page says "Not configured" rather than
   *     "Operational", and the JSON leaves them out
   */
  public StatusPage(StatusService status, Clock clock, Set<String> notConfigured) {
    this.notConfigured = Set.copyOf(notConfigured);
    this.status = status;
    this.json = new StatuspageJson(status.config());
    this.clock = clock;
    status.onChange(version::incrementAndGet);
  }

  @SuppressWarnings("unchecked")
  private <T> T cached(String key, java.util.function.Supplier<T> render) {
    long v = version.get();
    long now = clock.millis();
    Cached c = cache.get(key);
    if (c != null && c.version() == v && now - c.at() < CACHE_MILLIS && now >= c.at()) {
      return (T) c.value();
    }
    T value = render.get();
    cache.put(key, new Cached(v, now, value));
    return value;
  }

  private StatuspageJson.Page page(List<Component> components, List<Incident> incidents) {
    Instant updated = Instant.EPOCH;
    for (Component c : components) {
      updated = c.updatedAt().isAfter(updated) ? c.updatedAt() : updated;
    }
    for (Incident i : incidents) {
      updated = i.updatedAt().isAfter(updated) ? i.updatedAt() : updated;
    }
    return json.page(updated);
  }

  private List<Incident> openIncidents() {
    return status.incidents(IncidentKind.INCIDENT, true, 1000);
  }

  private List<Incident> openMaintenances() {
    return status.incidents(IncidentKind.MAINTENANCE, true, 1000).stream()
        .sorted(
            Comparator.comparing(
                Incident::scheduledFor, Comparator.nullsLast(Comparator.naturalOrder())))
        .toList();
  }

  public StatuspageJson.Summary summary() {
    return cached(
        "summary",
        () -> {
          List<Component> components = offered();
          List<Incident> open = openIncidents();
          List<Incident> maintenances = openMaintenances();
          List<Incident> all = new ArrayList<>(open);
          all.addAll(maintenances);
          return new StatuspageJson.Summary(
              page(components, all),
              json.components(components),
              json.incidents(open, components),
              json.incidents(maintenances, components),
              StatuspageJson.status(components, all));
        });
  }

  public StatuspageJson.StatusOnly statusOnly() {
    StatuspageJson.Summary s = summary();
    return new StatuspageJson.StatusOnly(s.page(), s.status());
  }

  public StatuspageJson.Components components() {
    return cached(
        "components",
        () -> {
          List<Component> components = offered();
          return new StatuspageJson.Components(
              page(components, List.of()), json.components(components));
        });
  }

  /** The 50 newest incidents, or only the unresolved ones. */
  public StatuspageJson.Incidents incidents(boolean unresolved) {
    return cached(
        "incidents:" + unresolved,
        () -> {
          List<Component> components = offered();
          List<Incident> incidents = status.incidents(IncidentKind.INCIDENT, unresolved, 50);
          return new StatuspageJson.Incidents(
              page(components, incidents), json.incidents(incidents, components));
        });
  }

  /**
   * Maintenances: all (the 50 newest), upcoming (scheduled) or active (in progress or verifying).
   */
  public StatuspageJson.Maintenances maintenances(String which) {
    return cached(
        "maintenances:" + which,
        () -> {
          List<Component> components = offered();
          List<Incident> list =
              switch (which) {
                case "upcoming" ->
                    openMaintenances().stream()
                        .filter(m -> m.status() == IncidentStatus.SCHEDULED)
                        .toList();
                case "active" ->
                    openMaintenances().stream()
                        .filter(
                            m ->
                                m.status() == IncidentStatus.IN_PROGRESS
                                    || m.status() == IncidentStatus.VERIFYING)
                        .toList();
                default -> status.incidents(IncidentKind.MAINTENANCE, false, 50);
              };
          return new StatuspageJson.Maintenances(
              page(components, list), json.incidents(list, components));
        });
  }

  public String html() {
    return cached(
        "html",
        () -> {
          Instant now = clock.instant();
          List<Component> components = status.components();
          List<Incident> open = openIncidents();
          List<Incident> maintenances = openMaintenances();
          List<Incident> all = new ArrayList<>(open);
          all.addAll(maintenances);
          Map<String, Uptime.Bar> uptime = new LinkedHashMap<>();
          Instant since = now.minus(Duration.ofDays(UPTIME_DAYS));
          for (Component c : components) {
            uptime.put(
                c.id(),
                Uptime.of(status.repository().componentEvents(c.id(), since), now, UPTIME_DAYS));
          }
          List<Incident> history =
              new ArrayList<>(status.incidents(IncidentKind.INCIDENT, false, 200));
          history.addAll(
              status.incidents(IncidentKind.MAINTENANCE, false, 200).stream()
                  .filter(m -> m.status().closed())
                  .toList());
          history.removeIf(i -> !i.status().closed());
          history.sort(Comparator.comparing(Incident::createdAt).reversed());
          return StatusHtml.page(
              new StatusHtml.View(
                  status.config().pageName(),
                  StatuspageJson.status(components, all),
                  components,
                  uptime,
                  open,
                  maintenances,
                  history,
                  status.config().mail() != null,
                  now,
                  HISTORY_DAYS,
                  notConfigured));
        });
  }

  /** The components this installation offers. */
  private List<Component> offered() {
    List<Component> all = status.components();
    return notConfigured.isEmpty()
        ? all
        : all.stream().filter(c -> !notConfigured.contains(c.id())).toList();
  }

  /** The page of one incident; empty when there is none with that id. */
  public Optional<String> incidentHtml(String id) {
    if (!id.matches("[a-z0-9]{1,32}")) {
      return Optional.empty();
    }
    return status
        .repository()
        .incident(id)
        .map(i -> StatusHtml.incidentPage(status.config().pageName(), i));
  }

  public String message(String title, String text) {
    return StatusHtml.message(status.config().pageName(), title, text, null, null);
  }

  public String confirmForm(String title, String text, String action, String button) {
    return StatusHtml.message(status.config().pageName(), title, text, action, button);
  }

  private List<Incident> feedItems() {
    List<Incident> items = new ArrayList<>(status.incidents(IncidentKind.INCIDENT, false, 50));
    items.addAll(status.incidents(IncidentKind.MAINTENANCE, false, 50));
    items.sort(Comparator.comparing(Incident::createdAt).reversed());
    return items.size() > 50 ? items.subList(0, 50) : items;
  }

  public String rss() {
    return cached(
        "rss",
        () ->
            StatusFeeds.rss(
                status.config().pageName(),
                status.config().publicUrl(),
                feedItems(),
                clock.instant()));
  }

  public String atom() {
    return cached(
        "atom",
        () ->
            StatusFeeds.atom(
                status.config().pageName(),
                status.config().publicUrl(),
                feedItems(),
                clock.instant()));
  }
}
