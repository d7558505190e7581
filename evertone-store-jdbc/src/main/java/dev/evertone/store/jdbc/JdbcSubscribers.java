package dev.evertone.store.jdbc;

import static dev.evertone.store.jdbc.Jdbc.instant;
import static dev.evertone.store.jdbc.Jdbc.millis;
import static dev.evertone.store.jdbc.Jdbc.nullableInstant;

import dev.evertone.store.Actor;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.status.Subscriber;
import dev.evertone.store.status.SubscriberKind;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The status page's subscribers in the database; webhook secrets are encrypted like line secrets.
 */
final class JdbcSubscribers {
  private static final String SUBSCRIBER_COLUMNS =
      "id, kind, address, secret, components, domain, token, confirmed_at, created_at";
  // the secret cipher binds a ciphertext to a domain and a name: webhook secrets use this domain
  // and the subscriber's id
  private static final String SECRET_DOMAIN = "status.subscriber";

  private final Jdbc jdbc;
  private final SecretCipher cipher;
  private final Clock clock;

  JdbcSubscribers(Jdbc jdbc, SecretCipher cipher, Clock clock) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.clock = clock;
  }

  Subscriber add(Subscriber s, Actor actor) {
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

  List<Subscriber> list() {
    return jdbc.read(
        c ->
            read(
                c,
                "SELECT "
                    + SUBSCRIBER_COLUMNS
                    + " FROM status_subscriber ORDER BY created_at, id"));
  }

  Optional<Subscriber> byToken(String token) {
    return jdbc
        .read(
            c ->
                read(
                    c,
                    "SELECT " + SUBSCRIBER_COLUMNS + " FROM status_subscriber WHERE token = ?",
                    token))
        .stream()
        .findFirst();
  }

  private List<Subscriber> read(Connection c, String sql, Object... args) throws SQLException {
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

  boolean confirm(String token, Instant at, Actor actor) {
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

  boolean unsubscribe(String token, Actor actor) {
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

  void remove(String id, Actor actor) {
    jdbc.write(
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
        });
  }
}
