package dev.evertone.status;

import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import dev.evertone.store.status.IncidentUpdate;
import dev.evertone.store.status.StatusRepository;
import dev.evertone.store.status.Subscriber;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page's rules, as Statuspage has them: incidents go investigating, identified,
 * monitoring, resolved (resolved is final; a postmortem is published after it); maintenances go
 * scheduled, in_progress, verifying, completed, and start and end by themselves at their times. A
 * component's status is the worst that its open incidents and active maintenances give it,
 * operational when none. Every change is audited and notifies the subscribers it concerns.
 *
 * <p>Changes to incidents are serialized in this process (a person's update and a monitor's must
 * not compute a component's status from each other's stale view); an incident changed by another
 * node meanwhile is a conflict.
 *
 * <p>The lifecycle stays one class of some 600 lines on purpose: declaring, updating, publishing a
 * postmortem, scheduling and running maintenances all change incidents under that one lock and
 * through one save that recomputes the statuses of the components they touch; split up, the parts
 * would share both. Who hears of a change is {@link Subscriptions}'.
 */
public final class StatusService {
  private static final Logger log = LoggerFactory.getLogger(StatusService.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern COMPONENT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  /** The actor of the automatic transitions of maintenances. */
  public static final Actor SCHEDULER = new Actor("status:scheduler", "evertone");

  /** The components of a new installation: what a VoIP platform's customers care about. */
  public static final List<Component> DEFAULT_COMPONENTS = defaults();

  private final StatusRepository repository;
  private final StatusConfig config;
  private final Clock clock;
  private final Notifications notifications;
  private final Subscriptions subscriptions;
  private volatile Runnable queued = () -> {};
  private final List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  public StatusService(StatusRepository repository, StatusConfig config, Clock clock) {
    this.repository = repository;
    this.config = config;
    this.clock = clock;
    this.notifications = new Notifications(config);
    // the listener is read when a confirmation is queued: it may be set after construction
    this.subscriptions =
        new Subscriptions(repository, config, clock, notifications, () -> queued.run());
  }

  private static List<Component> defaults() {
    Instant epoch = Instant.EPOCH;
    String[][] rows = {
      {"sip-registration", "SIP Registration", "Desk phones and softphones registering", "Voice"},
      {
        "outgoing-calls",
        "Outgoing Calls",
        "Calls from devices to other devices and to the phone network",
        "Voice"
      },
      {
        "incoming-calls",
        "Incoming Calls",
        "Calls from the phone network to numbers and extensions",
        "Voice"
      },
      {"webphone", "Webphone (WebRTC)", "Browser phones", "Browser phones"},
      {"stun-turn", "STUN/TURN", "Media relays for browser phones", "Browser phones"},
      {"provisioning", "Provisioning", "Device configuration and imports", "Management"},
      {"admin-api", "Admin API", "The administration API", "Management"}
    };
    List<Component> out = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      out.add(
          new Component(
              rows[i][0],
              rows[i][1],
              rows[i][2],
              rows[i][3],
              i + 1,
              ComponentStatus.OPERATIONAL,
              epoch,
              epoch));
    }
    return List.copyOf(out);
  }

  /** Runs after notifications were queued (the notifier of this process delivers them at once). */
  public void onQueued(Runnable listener) {
    this.queued = listener;
  }

  /** Runs after every change this process makes (the public page drops what it rendered). */
  public void onChange(Runnable listener) {
    changeListeners.add(listener);
  }

  private void changed() {
    changeListeners.forEach(Runnable::run);
  }

  public StatusConfig config() {
    return config;
  }

  public StatusRepository repository() {
    return repository;
  }

  /** On a new installation (no component yet), adds the default components. */
  public void ensureDefaults(Actor actor) {
    if (!repository.components().isEmpty()) {
      return;
    }
    Instant now = now();
    for (Component c : DEFAULT_COMPONENTS) {
      try {
        repository.putComponent(
            new Component(
                c.id(), c.name(), c.description(), c.group(), c.position(), c.status(), now, now),
            actor);
      } catch (ConflictException e) {
        log.debug("component {} was added by another node starting at the same time", c.id());
      }
    }
  }

  public List<Component> components() {
    return repository.components();
  }

  /**
   * Adds or changes a component (its status comes from incidents, or {@link #setComponentStatus}).
   */
  public Component putComponent(
      String id,
      String name,
      @Nullable String description,
      @Nullable String group,
      @Nullable Integer position,
      Actor actor) {
    if (!COMPONENT_ID.matcher(id).matches()) {
      throw new ValidationException(
          "id", "'" + id + "' is not a component id; use 1-64 lower-case letters, digits and '-'");
    }
    text("name", name, 100);
    if (description != null) {
      text("description", description, 500);
    }
    if (group != null) {
      text("group", group, 100);
    }
    List<Component> all = repository.components();
    int at =
        position != null
            ? position
            : all.stream().mapToInt(Component::position).max().orElse(0) + 1;
    Instant now = now();
    Component c =
        repository.putComponent(
            new Component(
                id, name.strip(), description, group, at, ComponentStatus.OPERATIONAL, now, now),
            actor);
    changed();
    return c;
  }

  public void removeComponent(String id, Actor actor) {
    for (Incident i : open()) {
      if (i.components().containsKey(id)) {
        throw new ConflictException(
            "component " + id + " is affected by open incident " + i.id() + "; resolve it first");
      }
    }
    repository.removeComponent(id, actor);
    changed();
  }

  /**
   * An operator's correction of a component's status; the next change of an incident affecting it
   * recomputes it.
   */
  public void setComponentStatus(String id, ComponentStatus status, Actor actor) {
    repository.setComponentStatuses(Map.of(id, status), actor);
    changed();
  }

  public List<Incident> incidents(IncidentKind kind, boolean openOnly, int limit) {
    return repository.incidents(kind, openOnly, limit);
  }

  public Incident incident(String id) {
    return repository
        .incident(id)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "there is no incident " + id + "; GET /api/v1/status/incidents lists them"));
  }

  /** Open incidents and maintenances. */
  public List<Incident> open() {
    List<Incident> out = new ArrayList<>(repository.incidents(IncidentKind.INCIDENT, true, 1000));
    out.addAll(repository.incidents(IncidentKind.MAINTENANCE, true, 1000));
    return out;
  }

  /** Declares an incident by a person. */
  public Incident declare(NewIncident n, Actor actor) {
    return declare(n, null, List.of(), actor);
  }

  /**
   * Declares an incident.
   *
   * @param monitor the monitor that declares it, or null for a person
   * @param tenants the domains affected (private)
   */
  public synchronized Incident declare(
      NewIncident n, @Nullable String monitor, List<String> tenants, Actor actor) {
    text("name", n.name(), 200);
    text("body", n.body(), config.maxBodyChars());
    IncidentStatus status = n.status() == null ? IncidentStatus.INVESTIGATING : n.status();
    if (status.kind() != IncidentKind.INCIDENT) {
      throw new ValidationException(
          "status",
          "an incident's status is investigating, identified, monitoring or resolved, not "
              + status.wire());
    }
    if (n.impact() == Impact.MAINTENANCE) {
      throw new ValidationException(
          "impact",
          "an incident's impact is none, minor, major or critical; plan maintenance with "
              + "POST /api/v1/status/maintenances");
    }
    components(n.components());
    Instant now = now();
    Incident incident =
        new Incident(
            newId(),
            IncidentKind.INCIDENT,
            n.name().strip(),
            status,
            n.impact(),
            monitor,
            monitor == null ? actor.name() : null,
            tenants,
            null,
            null,
            now,
            now,
            status.closed() ? now : null,
            null,
            null,
            n.components(),
            List.of(new IncidentUpdate(newId(), status, n.body(), now)));
    save(incident, null, Set.of(), actor, "status.incident.declare");
    log.warn(
        "incident {} declared by {}: {} ({}), components {}",
        incident.id(),
        actor.name(),
        incident.name(),
        incident.impact().wire(),
        incident.components());
    return incident;
  }

  /**
   * Adds an update: a new status, what is known, optionally a new impact or new affected
   * components.
   */
  public Incident update(String id, IncidentChange change, Actor actor) {
    return update(id, change, null, actor);
  }

  /**
   * {@link #update}, also replacing the affected tenants (a monitor's finding); null keeps them.
   */
  public synchronized Incident update(
      String id, IncidentChange change, @Nullable List<String> tenants, Actor actor) {
    Incident old = incident(id);
    text("body", change.body(), config.maxBodyChars());
    transition(old, change.status());
    if (change.impact() != null
        && (change.impact() == Impact.MAINTENANCE) != (old.kind() == IncidentKind.MAINTENANCE)) {
      throw new ValidationException(
          "impact",
          "'"
              + change.impact().wire()
              + "' is not an impact of "
              + (old.kind() == IncidentKind.MAINTENANCE ? "a maintenance" : "an incident"));
    }
    Map<String, ComponentStatus> components =
        change.components() == null ? old.components() : change.components();
    components(components);
    Instant now = now();
    List<IncidentUpdate> updates = new ArrayList<>();
    updates.add(new IncidentUpdate(newId(), change.status(), change.body(), now));
    updates.addAll(old.updates());
    Incident incident =
        new Incident(
            old.id(),
            old.kind(),
            old.name(),
            change.status(),
            change.impact() == null ? old.impact() : change.impact(),
            old.monitor(),
            old.declaredBy(),
            tenants == null ? old.tenants() : tenants,
            old.scheduledFor(),
            old.scheduledUntil(),
            old.createdAt(),
            now,
            change.status().closed() ? now : null,
            old.postmortem(),
            old.postmortemPublishedAt(),
            components,
            updates);
    save(incident, old.updatedAt(), old.components().keySet(), actor, "status.incident.update");
    log.info("incident {} updated by {}: {}", id, actor.name(), change.status().wire());
    return incident;
  }

  /** Publishes (or replaces) the postmortem of a resolved incident, and tells the subscribers. */
  public synchronized Incident publishPostmortem(String id, String body, Actor actor) {
    Incident old = incident(id);
    text("body", body, config.maxBodyChars());
    if (old.kind() != IncidentKind.INCIDENT || old.status() != IncidentStatus.RESOLVED) {
      throw new ValidationException(
          "status",
          "a postmortem is published after an incident is resolved; "
              + id
              + " is "
              + old.status().wire());
    }
    Instant now = now();
    Incident incident =
        new Incident(
            old.id(),
            old.kind(),
            old.name(),
            old.status(),
            old.impact(),
            old.monitor(),
            old.declaredBy(),
            old.tenants(),
            old.scheduledFor(),
            old.scheduledUntil(),
            old.createdAt(),
            now,
            old.resolvedAt(),
            body,
            now,
            old.components(),
            old.updates());
    repository.saveIncident(
        incident,
        old.updatedAt(),
        Map.of(),
        notifications.about(
            incident,
            "postmortem",
            subscriptions.concerned(incident),
            repository.components(),
            now),
        actor,
        "status.incident.postmortem");
    changed();
    queued.run();
    return incident;
  }

  /** Plans a maintenance; it starts and completes by itself ({@link #runSchedule}). */
  public synchronized Incident scheduleMaintenance(NewMaintenance m, Actor actor) {
    text("name", m.name(), 200);
    text("body", m.body(), config.maxBodyChars());
    if (!m.scheduledUntil().isAfter(m.scheduledFor())) {
      throw new ValidationException("scheduled_until", "must be after scheduled_for");
    }
    Map<String, ComponentStatus> components = new LinkedHashMap<>();
    for (String c : m.components()) {
      components.put(c, ComponentStatus.UNDER_MAINTENANCE);
    }
    components(components);
    Instant now = now();
    Incident incident =
        new Incident(
            newId(),
            IncidentKind.MAINTENANCE,
            m.name().strip(),
            IncidentStatus.SCHEDULED,
            Impact.MAINTENANCE,
            null,
            actor.name(),
            List.of(),
            m.scheduledFor(),
            m.scheduledUntil(),
            now,
            now,
            null,
            null,
            null,
            components,
            List.of(new IncidentUpdate(newId(), IncidentStatus.SCHEDULED, m.body(), now)));
    save(incident, null, Set.of(), actor, "status.maintenance.schedule");
    return incident;
  }

  /** Starts maintenances whose time has come and completes those whose time is over. */
  public void runSchedule() {
    Instant now = now();
    for (Incident m : repository.incidents(IncidentKind.MAINTENANCE, true, 1000)) {
      try {
        if (m.scheduledUntil() != null && !now.isBefore(m.scheduledUntil())) {
          update(
              m.id(),
              new IncidentChange(
                  IncidentStatus.COMPLETED,
                  "The scheduled maintenance has been completed.",
                  null,
                  null),
              SCHEDULER);
        } else if (m.status() == IncidentStatus.SCHEDULED
            && m.scheduledFor() != null
            && !now.isBefore(m.scheduledFor())) {
          update(
              m.id(),
              new IncidentChange(
                  IncidentStatus.IN_PROGRESS,
                  "Scheduled maintenance is currently in progress.",
                  null,
                  null),
              SCHEDULER);
        }
      } catch (ConflictException e) {
        log.debug("maintenance {} changed meanwhile; next run", m.id());
      }
    }
  }

  /**
   * Subscribes a webhook; it is confirmed at once (an operator adds it) and gets its signing
   * secret.
   */
  public Subscriber subscribeWebhook(
      String url, List<String> components, @Nullable String domain, Actor actor) {
    return subscriptions.webhook(url, components, domain, actor);
  }

  /**
   * Subscribes a mail address; it hears nothing until it follows the link in the confirmation mail
   * (double opt-in).
   */
  public Subscriber subscribeEmail(
      String address, List<String> components, @Nullable String domain, Actor actor) {
    return subscriptions.email(address, components, domain, actor);
  }

  /** A mail address follows its confirmation link; false for an unknown link. */
  public boolean confirm(String token, Actor actor) {
    return subscriptions.confirm(token, actor);
  }

  /** A subscriber follows its unsubscribe link; false for an unknown link. */
  public boolean unsubscribe(String token, Actor actor) {
    return subscriptions.unsubscribe(token, actor);
  }

  private void save(
      Incident incident,
      @Nullable Instant expected,
      Set<String> previousComponents,
      Actor actor,
      String action) {
    // every component this change touches gets the worst status its open incidents and maintenances
    // give it
    Set<String> touched = new LinkedHashSet<>(previousComponents);
    touched.addAll(incident.components().keySet());
    Map<String, ComponentStatus> statuses = new HashMap<>();
    for (String c : touched) {
      statuses.put(c, ComponentStatus.OPERATIONAL);
    }
    List<Incident> open = new ArrayList<>();
    for (Incident i : open()) {
      if (!i.id().equals(incident.id())) {
        open.add(i);
      }
    }
    open.add(incident);
    for (Incident i : open) {
      if (i.status().closed() || i.status() == IncidentStatus.SCHEDULED) {
        continue;
      }
      for (Map.Entry<String, ComponentStatus> e : i.components().entrySet()) {
        if (touched.contains(e.getKey())) {
          statuses.merge(e.getKey(), e.getValue(), ComponentStatus::worse);
        }
      }
    }
    String event = incident.kind() == IncidentKind.MAINTENANCE ? "maintenance" : "incident";
    repository.saveIncident(
        incident,
        expected,
        statuses,
        notifications.about(
            incident,
            event,
            subscriptions.concerned(incident),
            repository.components(),
            incident.updatedAt()),
        actor,
        action);
    changed();
    queued.run();
  }

  private static void transition(Incident old, IncidentStatus to) {
    if (to.kind() != old.kind()) {
      throw new ValidationException(
          "status",
          "'"
              + to.wire()
              + "' is not a status of "
              + (old.kind() == IncidentKind.MAINTENANCE
                  ? "a maintenance (scheduled, in_progress, verifying, completed)"
                  : "an incident (investigating, identified, monitoring, resolved)"));
    }
    if (old.status().closed()) {
      throw new ValidationException(
          "status",
          old.kind().wire()
              + " "
              + old.id()
              + " is "
              + old.status().wire()
              + " and cannot change; "
              + "declare a new one");
    }
    if (to == IncidentStatus.SCHEDULED && old.status() != IncidentStatus.SCHEDULED) {
      throw new ValidationException(
          "status", "maintenance " + old.id() + " has started; it cannot go back to scheduled");
    }
  }

  private void components(Map<String, ComponentStatus> components) {
    knownComponents(repository, components.keySet());
  }

  /** Fails unless every id of {@code ids} names a component of {@code repository}. */
  static void knownComponents(StatusRepository repository, Collection<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    Set<String> known = new LinkedHashSet<>();
    for (Component c : repository.components()) {
      known.add(c.id());
    }
    for (String id : ids) {
      if (!known.contains(id)) {
        throw new ValidationException(
            "components",
            "there is no component '" + id + "'; the components are " + String.join(", ", known));
      }
    }
  }

  private static void text(String field, @Nullable String value, int max) {
    if (value == null || value.isBlank()) {
      throw new ValidationException(field, "is required");
    }
    if (value.length() > max) {
      throw new ValidationException(
          field, "is " + value.length() + " characters long; at most " + max + " are allowed");
    }
  }

  /** An id like Statuspage's: 12 random lower-case letters and digits. */
  static String newId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder(12);
    for (int i = 0; i < 12; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  /** Now, to the millisecond the store keeps: what a call returns is what a later read gives. */
  private Instant now() {
    return now(clock);
  }

  static Instant now(Clock clock) {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }
}
