package dev.evertone.store.jdbc;

import static dev.evertone.store.jdbc.Jdbc.instant;

import dev.evertone.store.Actor;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentEvent;
import dev.evertone.store.status.ComponentStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The status page's components in the database, with the history of their statuses (for the uptime
 * bars).
 */
final class JdbcComponents {
  private static final String COMPONENT_COLUMNS =
      "id, name, description, group_name, position, status, created_at, updated_at";

  private final Jdbc jdbc;
  private final Clock clock;

  JdbcComponents(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  List<Component> list() {
    return jdbc.read(
        c ->
            read(
                c,
                "SELECT " + COMPONENT_COLUMNS + " FROM status_component ORDER BY position, name"));
  }

  private static List<Component> read(Connection c, String sql, Object... args)
      throws SQLException {
    return Jdbc.list(
        c,
        sql,
        rs ->
            new Component(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getInt(5),
                ComponentStatus.of(rs.getString(6)),
                instant(rs, 7),
                instant(rs, 8)),
        args);
  }

  Component put(Component component, Actor actor) {
    return jdbc.inTransaction(
        c -> {
          List<Component> existing =
              read(
                  c,
                  "SELECT " + COMPONENT_COLUMNS + " FROM status_component WHERE id = ?",
                  component.id());
          long now = component.updatedAt().toEpochMilli();
          if (existing.isEmpty()) {
            Jdbc.update(
                c,
                "INSERT INTO status_component ("
                    + COMPONENT_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                component.id(),
                component.name(),
                component.description(),
                component.group(),
                component.position(),
                component.status().wire(),
                component.createdAt().toEpochMilli(),
                now);
            event(c, component.id(), component.status(), now);
            JdbcAuditLog.record(
                c,
                now,
                actor.name(),
                actor.source(),
                "status.component.add",
                component.id(),
                component.name());
            return component;
          }
          Component old = existing.get(0);
          Jdbc.update(
              c,
              "UPDATE status_component SET name = ?, description = ?, group_name = ?, position = ?, updated_at = ? WHERE id = ?",
              component.name(),
              component.description(),
              component.group(),
              component.position(),
              now,
              component.id());
          JdbcAuditLog.record(
              c,
              now,
              actor.name(),
              actor.source(),
              "status.component.update",
              component.id(),
              component.name());
          return new Component(
              old.id(),
              component.name(),
              component.description(),
              component.group(),
              component.position(),
              old.status(),
              old.createdAt(),
              component.updatedAt());
        });
  }

  void remove(String id, Actor actor) {
    jdbc.write(
        c -> {
          if (Jdbc.update(c, "DELETE FROM status_component WHERE id = ?", id) != 1) {
            throw new NotFoundException(
                "there is no component " + id + "; GET /api/v1/status/components lists them");
          }
          Jdbc.update(c, "DELETE FROM status_component_event WHERE component_id = ?", id);
          JdbcAuditLog.record(
              c, clock.millis(), actor.name(), actor.source(), "status.component.remove", id, null);
        });
  }

  private static void event(Connection c, String componentId, ComponentStatus status, long at)
      throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO status_component_event (component_id, status, at) VALUES (?, ?, ?)",
        componentId,
        status.wire(),
        at);
  }

  List<ComponentEvent> events(String componentId, Instant since) {
    return jdbc.read(
        c -> {
          // the status the component had at since, then every change after
          List<ComponentEvent> out =
              new ArrayList<>(
                  Jdbc.list(
                      c,
                      "SELECT status FROM status_component_event WHERE component_id = ? AND at < ? "
                          + "ORDER BY at DESC, id DESC LIMIT 1",
                      rs ->
                          new ComponentEvent(
                              componentId, ComponentStatus.of(rs.getString(1)), since),
                      componentId,
                      since.toEpochMilli()));
          out.addAll(
              Jdbc.list(
                  c,
                  "SELECT status, at FROM status_component_event WHERE component_id = ? AND at >= ? ORDER BY at, id",
                  rs ->
                      new ComponentEvent(
                          componentId, ComponentStatus.of(rs.getString(1)), instant(rs, 2)),
                  componentId,
                  since.toEpochMilli()));
          return out;
        });
  }

  /** Sets statuses inside the caller's transaction; an event for each that changes. */
  static void setStatuses(Connection c, Map<String, ComponentStatus> statuses, long now)
      throws SQLException {
    for (Map.Entry<String, ComponentStatus> e : statuses.entrySet()) {
      int changed =
          Jdbc.update(
              c,
              "UPDATE status_component SET status = ?, updated_at = ? WHERE id = ? AND status <> ?",
              e.getValue().wire(),
              now,
              e.getKey(),
              e.getValue().wire());
      if (changed == 1) {
        event(c, e.getKey(), e.getValue(), now);
      }
    }
  }

  void setStatuses(Map<String, ComponentStatus> statuses, Actor actor) {
    long now = clock.millis();
    jdbc.write(
        c -> {
          for (String id : statuses.keySet()) {
            if (Jdbc.count(c, "SELECT COUNT(*) FROM status_component WHERE id = ?", id) == 0) {
              throw new NotFoundException(
                  "there is no component " + id + "; GET /api/v1/status/components lists them");
            }
          }
          setStatuses(c, statuses, now);
          for (Map.Entry<String, ComponentStatus> e : statuses.entrySet()) {
            JdbcAuditLog.record(
                c,
                now,
                actor.name(),
                actor.source(),
                "status.component.status",
                e.getKey(),
                e.getValue().wire());
          }
        });
  }
}
