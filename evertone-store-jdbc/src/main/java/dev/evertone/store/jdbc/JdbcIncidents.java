package dev.evertone.store.jdbc;

import static dev.evertone.store.jdbc.Jdbc.instant;
import static dev.evertone.store.jdbc.Jdbc.millis;
import static dev.evertone.store.jdbc.Jdbc.nullableInstant;

import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Delivery;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import dev.evertone.store.status.IncidentUpdate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Incidents and maintenances in the database, with their updates and the components they affect;
 * saving one also sets its components' statuses and queues its notifications, in one transaction.
 */
final class JdbcIncidents {
  private static final String INCIDENT_COLUMNS =
      "id, kind, name, status, impact, monitor, tenants, scheduled_for, scheduled_until, "
          + "created_at, updated_at, resolved_at, postmortem, postmortem_published_at, declared_by";

  private final Jdbc jdbc;

  JdbcIncidents(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  List<Incident> list(IncidentKind kind, boolean open, int limit) {
    String sql =
        "SELECT "
            + INCIDENT_COLUMNS
            + " FROM status_incident WHERE kind = ?"
            + (open ? " AND resolved_at IS NULL" : "")
            + " ORDER BY created_at DESC, id DESC LIMIT ?";
    return jdbc.read(c -> read(c, sql, kind.wire(), limit));
  }

  Optional<Incident> find(String id) {
    return jdbc
        .read(c -> read(c, "SELECT " + INCIDENT_COLUMNS + " FROM status_incident WHERE id = ?", id))
        .stream()
        .findFirst();
  }

  private static List<Incident> read(Connection c, String sql, Object... args) throws SQLException {
    return Jdbc.list(
        c,
        sql,
        rs -> {
          String tenants = rs.getString(7);
          String id = rs.getString(1);
          return new Incident(
              id,
              IncidentKind.of(rs.getString(2)),
              rs.getString(3),
              IncidentStatus.of(rs.getString(4)),
              Impact.of(rs.getString(5)),
              rs.getString(6),
              rs.getString(15),
              tenants == null || tenants.isEmpty() ? List.of() : Arrays.asList(tenants.split(",")),
              nullableInstant(rs, 8),
              nullableInstant(rs, 9),
              instant(rs, 10),
              instant(rs, 11),
              nullableInstant(rs, 12),
              rs.getString(13),
              nullableInstant(rs, 14),
              incidentComponents(c, id),
              updates(c, id));
        },
        args);
  }

  private static Map<String, ComponentStatus> incidentComponents(Connection c, String incidentId)
      throws SQLException {
    Map<String, ComponentStatus> out = new LinkedHashMap<>();
    for (String[] row :
        Jdbc.list(
            c,
            "SELECT component_id, status FROM status_incident_component WHERE incident_id = ? ORDER BY component_id",
            rs -> new String[] {rs.getString(1), rs.getString(2)},
            incidentId)) {
      out.put(row[0], ComponentStatus.of(row[1]));
    }
    return out;
  }

  private static List<IncidentUpdate> updates(Connection c, String incidentId) throws SQLException {
    return Jdbc.list(
        c,
        "SELECT id, status, body, created_at FROM status_incident_update WHERE incident_id = ? ORDER BY seq DESC",
        rs ->
            new IncidentUpdate(
                rs.getString(1),
                IncidentStatus.of(rs.getString(2)),
                rs.getString(3),
                instant(rs, 4)),
        incidentId);
  }

  /** See {@link dev.evertone.store.status.StatusRepository#saveIncident}. */
  void save(
      Incident incident,
      @Nullable Instant expectedUpdatedAt,
      Map<String, ComponentStatus> componentStatuses,
      List<Delivery> deliveries,
      Actor actor,
      String action) {
    jdbc.write(
        c -> {
          long now = incident.updatedAt().toEpochMilli();
          write(c, incident, expectedUpdatedAt, now);
          appendUpdates(c, incident);
          replaceComponents(c, incident);
          JdbcComponents.setStatuses(c, componentStatuses, now);
          JdbcDeliveries.insert(c, deliveries);
          JdbcAuditLog.record(
              c,
              now,
              actor.name(),
              actor.source(),
              action,
              incident.id(),
              incident.name() + " (" + incident.status().wire() + ")");
        });
  }

  /** Inserts a new incident, or updates one if it is still as it was read. */
  private static void write(
      Connection c, Incident incident, @Nullable Instant expectedUpdatedAt, long now)
      throws SQLException {
    Object[] values = {
      incident.kind().wire(),
      incident.name(),
      incident.status().wire(),
      incident.impact().wire(),
      incident.monitor(),
      incident.tenants().isEmpty() ? null : String.join(",", incident.tenants()),
      millis(incident.scheduledFor()),
      millis(incident.scheduledUntil()),
      incident.createdAt().toEpochMilli(),
      now,
      millis(incident.resolvedAt()),
      incident.postmortem(),
      millis(incident.postmortemPublishedAt())
    };
    if (expectedUpdatedAt == null) {
      // who declared it is written once, with the incident
      Object[] args = new Object[values.length + 2];
      args[0] = incident.id();
      System.arraycopy(values, 0, args, 1, values.length);
      args[values.length + 1] = incident.declaredBy();
      Jdbc.update(
          c,
          "INSERT INTO status_incident ("
              + INCIDENT_COLUMNS
              + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          args);
    } else {
      Object[] args = Arrays.copyOf(values, values.length + 2);
      args[values.length] = incident.id();
      args[values.length + 1] = expectedUpdatedAt.toEpochMilli();
      int changed =
          Jdbc.update(
              c,
              "UPDATE status_incident SET kind = ?, name = ?, status = ?, impact = ?, monitor = ?, tenants = ?, "
                  + "scheduled_for = ?, scheduled_until = ?, created_at = ?, updated_at = ?, resolved_at = ?, postmortem = ?, "
                  + "postmortem_published_at = ? WHERE id = ? AND updated_at = ?",
              args);
      if (changed != 1) {
        throw new ConflictException(
            "incident "
                + incident.id()
                + " was changed by someone else meanwhile; read it again and retry");
      }
    }
  }

  /** Appends the updates of {@code incident} that are not stored yet. */
  private static void appendUpdates(Connection c, Incident incident) throws SQLException {
    Set<String> stored = new HashSet<>();
    for (IncidentUpdate u : updates(c, incident.id())) {
      stored.add(u.id());
    }
    // the updates are newest first: the new ones are appended oldest first, each after the last
    int seq = stored.size();
    for (int i = incident.updates().size() - 1; i >= 0; i--) {
      IncidentUpdate u = incident.updates().get(i);
      if (!stored.contains(u.id())) {
        Jdbc.update(
            c,
            "INSERT INTO status_incident_update (id, incident_id, seq, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            u.id(),
            incident.id(),
            seq++,
            u.status().wire(),
            u.body(),
            u.createdAt().toEpochMilli());
      }
    }
  }

  /** The components the incident affects, and how, as it now says. */
  private static void replaceComponents(Connection c, Incident incident) throws SQLException {
    Jdbc.update(c, "DELETE FROM status_incident_component WHERE incident_id = ?", incident.id());
    for (Map.Entry<String, ComponentStatus> e : incident.components().entrySet()) {
      Jdbc.update(
          c,
          "INSERT INTO status_incident_component (incident_id, component_id, status) VALUES (?, ?, ?)",
          incident.id(),
          e.getKey(),
          e.getValue().wire());
    }
  }
}
