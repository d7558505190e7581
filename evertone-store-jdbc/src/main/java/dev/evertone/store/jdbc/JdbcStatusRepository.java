package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentEvent;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Delivery;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import dev.evertone.store.status.IncidentUpdate;
import dev.evertone.store.status.StatusRepository;
import dev.evertone.store.status.Subscriber;
import dev.evertone.store.status.SubscriberKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The status page in the database; webhook secrets are encrypted like line secrets. */
final class JdbcStatusRepository implements StatusRepository {
  private static final String COMPONENT_COLUMNS =
      "id, name, description, group_name, position, status, created_at, updated_at";
  private static final String INCIDENT_COLUMNS =
      "id, kind, name, status, impact, monitor, tenants, scheduled_for, scheduled_until, "
          + "created_at, updated_at, resolved_at, postmortem, postmortem_published_at";
  private static final String SUBSCRIBER_COLUMNS =
      "id, kind, address, secret, components, domain, token, confirmed_at, created_at";
  private static final String DELIVERY_COLUMNS =
      "id, subscriber_id, subject, payload, attempts, next_attempt_at, delivered_at, last_error";
  // the secret cipher binds a ciphertext to a domain and a name: webhook secrets use this domain
  // and the subscriber's id
  private static final String SECRET_DOMAIN = "status.subscriber";

  private final Jdbc jdbc;
  private final SecretCipher cipher;
  private final Clock clock;

  JdbcStatusRepository(Jdbc jdbc, SecretCipher cipher, Clock clock) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.clock = clock;
  }

  @Override
  public List<Component> components() {
    return jdbc.read(
        c ->
            components(
                c,
                "SELECT " + COMPONENT_COLUMNS + " FROM status_component ORDER BY position, name"));
  }

  private static List<Component> components(Connection c, String sql, Object... args)
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

  @Override
  public Component putComponent(Component component, Actor actor) {
    return jdbc.inTransaction(
        c -> {
          List<Component> existing =
              components(
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

  @Override
  public void removeComponent(String id, Actor actor) {
    jdbc.inTransaction(
        c -> {
          if (Jdbc.update(c, "DELETE FROM status_component WHERE id = ?", id) != 1) {
            throw new NotFoundException(
                "there is no component " + id + "; GET /api/v1/status/components lists them");
          }
          Jdbc.update(c, "DELETE FROM status_component_event WHERE component_id = ?", id);
          JdbcAuditLog.record(
              c, clock.millis(), actor.name(), actor.source(), "status.component.remove", id, null);
          return null;
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

  @Override
  public List<ComponentEvent> componentEvents(String componentId, Instant since) {
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

  @Override
  public List<Incident> incidents(IncidentKind kind, boolean open, int limit) {
    String sql =
        "SELECT "
            + INCIDENT_COLUMNS
            + " FROM status_incident WHERE kind = ?"
            + (open ? " AND resolved_at IS NULL" : "")
            + " ORDER BY created_at DESC, id DESC LIMIT ?";
    return jdbc.read(c -> incidents(c, sql, kind.wire(), limit));
  }

  @Override
  public Optional<Incident> incident(String id) {
    return jdbc
        .read(
            c ->
                incidents(
                    c, "SELECT " + INCIDENT_COLUMNS + " FROM status_incident WHERE id = ?", id))
        .stream()
        .findFirst();
  }

  private static List<Incident> incidents(Connection c, String sql, Object... args)
      throws SQLException {
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

  @Override
  public void saveIncident(
      Incident incident,
      @Nullable Instant expectedUpdatedAt,
      Map<String, ComponentStatus> componentStatuses,
      List<Delivery> deliveries,
      Actor actor,
      String action) {
    jdbc.inTransaction(
        c -> {
          long now = incident.updatedAt().toEpochMilli();
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
            Object[] args = new Object[values.length + 1];
            args[0] = incident.id();
            System.arraycopy(values, 0, args, 1, values.length);
            Jdbc.update(
                c,
                "INSERT INTO status_incident ("
                    + INCIDENT_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
          Set<String> stored = new HashSet<>();
          for (IncidentUpdate u : updates(c, incident.id())) {
            stored.add(u.id());
          }
          // the updates are newest first: the new ones are appended oldest first, each after the
          // last
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
          Jdbc.update(
              c, "DELETE FROM status_incident_component WHERE incident_id = ?", incident.id());
          for (Map.Entry<String, ComponentStatus> e : incident.components().entrySet()) {
            Jdbc.update(
                c,
                "INSERT INTO status_incident_component (incident_id, component_id, status) VALUES (?, ?, ?)",
                incident.id(),
                e.getKey(),
                e.getValue().wire());
          }
          setStatuses(c, componentStatuses, now);
          insertDeliveries(c, deliveries);
          JdbcAuditLog.record(
              c,
              now,
              actor.name(),
              actor.source(),
              action,
              incident.id(),
              incident.name() + " (" + incident.status().wire() + ")");
          return null;
        });
  }

  private static void setStatuses(Connection c, Map<String, ComponentStatus> statuses, long now)
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

  @Override
  public void setComponentStatuses(Map<String, ComponentStatus> statuses, Actor actor) {
    long now = clock.millis();
    jdbc.inTransaction(
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
          return null;
        });
  }

  @Override
  public Subscriber addSubscriber(Subscriber s, Actor actor) {
    return jdbc.inTransaction(
        c -> {
          Jdbc.update(
              c,
              "INSERT INTO status_subscriber ("
                  + SUBSCRIBER_COLUMNS
                  + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              s.id(),
              s.kind().wire(),
              s.address(),
              s.secret() == null ? null : cipher.encrypt(s.secret(), SECRET_DOMAIN, s.id()),
              s.components().isEmpty() ? null : String.join(",", s.components()),
              s.domain(),
              s.token(),
              millis(s.confirmedAt()),
              s.createdAt().toEpochMilli());
          JdbcAuditLog.record(
              c,
              s.createdAt().toEpochMilli(),
              actor.name(),
              actor.source(),
              "status.subscriber.add",
              s.id(),
              s.kind().wire() + (s.domain() == null ? "" : " for " + s.domain()));
          return s;
        });
  }

  @Override
  public List<Subscriber> subscribers() {
    return jdbc.read(
        c ->
            subscribers(
                c,
                "SELECT "
                    + SUBSCRIBER_COLUMNS
                    + " FROM status_subscriber ORDER BY created_at, id"));
  }

  @Override
  public Optional<Subscriber> subscriberByToken(String token) {
    return jdbc
        .read(
            c ->
                subscribers(
                    c,
                    "SELECT " + SUBSCRIBER_COLUMNS + " FROM status_subscriber WHERE token = ?",
                    token))
        .stream()
        .findFirst();
  }

  private List<Subscriber> subscribers(Connection c, String sql, Object... args)
      throws SQLException {
    return Jdbc.list(
        c,
        sql,
        rs -> {
          String id = rs.getString(1);
          String secret = rs.getString(4);
          String components = rs.getString(5);
          return new Subscriber(
              id,
              SubscriberKind.of(rs.getString(2)),
              rs.getString(3),
              secret == null ? null : cipher.decrypt(secret, SECRET_DOMAIN, id),
              components == null ? List.of() : Arrays.asList(components.split(",")),
              rs.getString(6),
              rs.getString(7),
              nullableInstant(rs, 8),
              instant(rs, 9));
        },
        args);
  }

  @Override
  public boolean confirm(String token, Instant at, Actor actor) {
    return jdbc.inTransaction(
        c -> {
          String id = subscriberId(c, token);
          if (id == null) {
            return false;
          }
          if (Jdbc.update(
                  c,
                  "UPDATE status_subscriber SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL",
                  at.toEpochMilli(),
                  id)
              == 1) {
            JdbcAuditLog.record(
                c,
                at.toEpochMilli(),
                actor.name(),
                actor.source(),
                "status.subscriber.confirm",
                id,
                null);
          }
          return true;
        });
  }

  @Override
  public boolean unsubscribe(String token, Actor actor) {
    return jdbc.inTransaction(
        c -> {
          String id = subscriberId(c, token);
          if (id == null) {
            return false;
          }
          Jdbc.update(c, "DELETE FROM status_subscriber WHERE id = ?", id);
          JdbcAuditLog.record(
              c,
              clock.millis(),
              actor.name(),
              actor.source(),
              "status.subscriber.unsubscribe",
              id,
              null);
          return true;
        });
  }

  private static @Nullable String subscriberId(Connection c, String token) throws SQLException {
    return Jdbc.list(
            c, "SELECT id FROM status_subscriber WHERE token = ?", rs -> rs.getString(1), token)
        .stream()
        .findFirst()
        .orElse(null);
  }

  @Override
  public void removeSubscriber(String id, Actor actor) {
    jdbc.inTransaction(
        c -> {
          if (Jdbc.update(c, "DELETE FROM status_subscriber WHERE id = ?", id) != 1) {
            throw new NotFoundException(
                "there is no subscriber " + id + "; GET /api/v1/status/subscribers lists them");
          }
          JdbcAuditLog.record(
              c,
              clock.millis(),
              actor.name(),
              actor.source(),
              "status.subscriber.remove",
              id,
              null);
          return null;
        });
  }

  @Override
  public void enqueue(List<Delivery> deliveries) {
    jdbc.inTransaction(
        c -> {
          insertDeliveries(c, deliveries);
          return null;
        });
  }

  private static void insertDeliveries(Connection c, List<Delivery> deliveries)
      throws SQLException {
    for (Delivery d : deliveries) {
      Jdbc.update(
          c,
          "INSERT INTO status_delivery (subscriber_id, subject, payload, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          d.subscriberId(),
          d.subject(),
          d.payload(),
          d.attempts(),
          d.nextAttemptAt().toEpochMilli(),
          d.nextAttemptAt().toEpochMilli());
    }
  }

  @Override
  public List<Delivery> dueDeliveries(Instant now, int limit) {
    return jdbc.read(
        c ->
            deliveries(
                c,
                "SELECT "
                    + DELIVERY_COLUMNS
                    + " FROM status_delivery WHERE delivered_at IS NULL AND next_attempt_at <= ? "
                    + "ORDER BY next_attempt_at, id LIMIT ?",
                now.toEpochMilli(),
                limit));
  }

  @Override
  public List<Delivery> deliveries(String subscriberId, int limit) {
    return jdbc.read(
        c ->
            deliveries(
                c,
                "SELECT "
                    + DELIVERY_COLUMNS
                    + " FROM status_delivery WHERE subscriber_id = ? ORDER BY id DESC LIMIT ?",
                subscriberId,
                limit));
  }

  private static List<Delivery> deliveries(Connection c, String sql, Object... args)
      throws SQLException {
    return Jdbc.list(
        c,
        sql,
        rs ->
            new Delivery(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getInt(5),
                instant(rs, 6),
                nullableInstant(rs, 7),
                rs.getString(8)),
        args);
  }

  @Override
  public boolean claim(long deliveryId, Instant due, Instant leaseUntil) {
    return jdbc.inTransactionQuietly(
        c ->
            Jdbc.update(
                    c,
                    "UPDATE status_delivery SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ? "
                        + "AND delivered_at IS NULL",
                    leaseUntil.toEpochMilli(),
                    deliveryId,
                    due.toEpochMilli())
                == 1);
  }

  @Override
  public void delivered(long deliveryId, Instant at) {
    jdbc.inTransactionQuietly(
        c ->
            Jdbc.update(
                c,
                "UPDATE status_delivery SET delivered_at = ? WHERE id = ?",
                at.toEpochMilli(),
                deliveryId));
  }

  @Override
  public void failed(long deliveryId, int attempts, Instant nextAttemptAt, String error) {
    String reason = error.length() > 1000 ? error.substring(0, 1000) : error;
    jdbc.inTransactionQuietly(
        c ->
            Jdbc.update(
                c,
                "UPDATE status_delivery SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                attempts,
                nextAttemptAt.toEpochMilli(),
                reason,
                deliveryId));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    return Instant.ofEpochMilli(rs.getLong(column));
  }

  private static @Nullable Instant nullableInstant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static @Nullable Long millis(@Nullable Instant at) {
    return at == null ? null : at.toEpochMilli();
  }
}
