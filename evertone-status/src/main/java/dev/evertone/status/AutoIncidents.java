package dev.evertone.status;

import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.StoreException;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares incidents from the monitors: a failing monitor opens one (investigating, its components
 * degraded, a first update that says what was measured); when it recovers the incident moves to
 * monitoring, and after {@code status.quiet-period} without failing again it is resolved. A
 * person's open incident on one of the monitor's components suppresses the automatic one (it would
 * say the same thing twice). Runs the maintenance schedule too.
 */
public final class AutoIncidents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AutoIncidents.class);

  private final StatusService status;
  private final List<Monitor> monitors;
  private final Clock clock;
  private final Duration quietPeriod;
  private final String node;
  private final Set<String> suppressed = new HashSet<>();
  private final ScheduledExecutorService executor = Background.thread("status-monitors");

  /**
   * @param node this node's id on a cluster ({@code cluster.node-id}), '' alone
   */
  public AutoIncidents(StatusService status, List<Monitor> monitors, Clock clock, String node) {
    this.node = node;
    this.status = status;
    this.monitors = List.copyOf(monitors);
    this.clock = clock;
    this.quietPeriod = status.config().quietPeriod();
  }

  /** Reads the monitors every {@code interval}. */
  public AutoIncidents start(Duration interval) {
    Background.every(executor, interval, interval, this::evaluate);
    return this;
  }

  /**
   * Reads every monitor once and acts on what it says; then starts and ends maintenances whose time
   * has come.
   */
  public synchronized void evaluate() {
    try {
      List<Incident> open = status.incidents(IncidentKind.INCIDENT, true, 1000);
      for (Monitor m : monitors) {
        try {
          act(m, m.read(clock.instant()), open);
        } catch (ConflictException e) {
          log.debug("incident of monitor {} changed meanwhile; next round", m.name());
        } catch (RuntimeException e) {
          log.error("monitor {} failed; next round", m.name(), e);
        }
      }
      status.runSchedule();
    } catch (StoreException e) {
      log.error(
          "the status page's store cannot be read; monitors wait for the next round: {}",
          e.getMessage());
    }
  }

  /**
   * What an incident remembers of the monitor that opened it: its name, and on a cluster the node
   * for a node's own measurement.
   */
  private String key(Monitor m) {
    return m.perNode() && !node.isEmpty() ? m.name() + "@" + node : m.name();
  }

  private void act(Monitor m, Monitor.Reading reading, List<Incident> open) {
    String key = key(m);
    Actor actor = new Actor("monitor:" + key, "evertone");
    Incident mine = open.stream().filter(i -> key.equals(i.monitor())).findFirst().orElse(null);
    Instant now = clock.instant();
    if (reading.failing()) {
      if (mine == null) {
        declare(m, key, reading, open, actor);
      } else {
        stillFailing(mine, reading, actor);
      }
      return;
    }
    suppressed.remove(key);
    if (mine != null) {
      recovered(mine, reading, now, actor);
    }
  }

  /**
   * A failing monitor without an incident declares one, unless a person's open incident already
   * covers its components.
   */
  private void declare(
      Monitor m, String key, Monitor.Reading reading, List<Incident> open, Actor actor) {
    Incident human = byPerson(m, open);
    if (human != null) {
      if (suppressed.add(key)) {
        log.warn(
            "monitor {} is failing ({}); not declaring: incident {} ({}) already covers its components",
            m.name(),
            reading.summary(),
            human.id(),
            human.name());
      }
      return;
    }
    suppressed.remove(key);
    String where = key.equals(m.name()) ? "" : " on node " + node;
    status.declare(
        new NewIncident(
            m.title(),
            IncidentStatus.INVESTIGATING,
            m.impact(),
            "Detected automatically" + where + ": " + reading.summary() + ". We are investigating.",
            m.components()),
        key,
        reading.tenants(),
        actor);
  }

  /** A monitor failing with its incident open: failing again after recovery, or more tenants. */
  private void stillFailing(Incident mine, Monitor.Reading reading, Actor actor) {
    if (mine.status() == IncidentStatus.MONITORING) {
      status.update(
          mine.id(),
          new IncidentChange(
              IncidentStatus.INVESTIGATING,
              "Failing again: " + reading.summary() + ".",
              null,
              null),
          tenants(mine, reading),
          actor);
    } else if (!mine.tenants().containsAll(reading.tenants())) {
      // a tenant newly failing is told (and named to operators); one that recovers stays on the
      // incident until it is resolved, so that tenants going in and out of the short window do not
      // send an update each time
      status.update(
          mine.id(),
          new IncidentChange(mine.status(), "Update: " + reading.summary() + ".", null, null),
          tenants(mine, reading),
          actor);
    }
  }

  /**
   * A monitor that recovered: its incident moves to monitoring, and is resolved after the quiet
   * period without failures.
   */
  private void recovered(Incident mine, Monitor.Reading reading, Instant now, Actor actor) {
    if (mine.status() != IncidentStatus.MONITORING) {
      status.update(
          mine.id(),
          new IncidentChange(
              IncidentStatus.MONITORING,
              "Recovered: "
                  + reading.summary()
                  + ". We are monitoring; "
                  + "this incident resolves after "
                  + Durations.words(quietPeriod)
                  + " without failures.",
              null,
              null),
          actor);
    } else if (!now.isBefore(latest(mine).plus(quietPeriod))) {
      status.update(
          mine.id(),
          new IncidentChange(
              IncidentStatus.RESOLVED,
              "Resolved: no failures for " + Durations.words(quietPeriod) + ".",
              null,
              null),
          actor);
    }
  }

  private static @Nullable Incident byPerson(Monitor m, List<Incident> open) {
    for (Incident i : open) {
      if (i.monitor() == null
          && i.components().keySet().stream().anyMatch(m.components()::containsKey)) {
        return i;
      }
    }
    return null;
  }

  /** The tenants an incident names: every one it named, and those failing now. */
  private static List<String> tenants(Incident mine, Monitor.Reading reading) {
    Set<String> all = new java.util.TreeSet<>(mine.tenants());
    all.addAll(reading.tenants());
    return List.copyOf(all);
  }

  private static Instant latest(Incident i) {
    return i.updates().isEmpty() ? i.updatedAt() : i.updates().get(0).createdAt();
  }

  @Override
  public void close() {
    Background.stop(executor);
  }
}
