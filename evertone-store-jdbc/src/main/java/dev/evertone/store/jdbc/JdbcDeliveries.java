package dev.evertone.store.jdbc;

import static dev.evertone.store.jdbc.Jdbc.instant;
import static dev.evertone.store.jdbc.Jdbc.nullableInstant;

import dev.evertone.store.status.Delivery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The status page's outbox in the database: notifications queued, claimed and delivered. */
final class JdbcDeliveries {
  private static final String DELIVERY_COLUMNS =
      "id, subscriber_id, subject, payload, attempts, next_attempt_at, delivered_at, last_error";

  private final Jdbc jdbc;

  JdbcDeliveries(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  void enqueue(List<Delivery> deliveries) {
    jdbc.write(
        c -> {
          insert(c, deliveries);
        });
  }

  /** Queues notifications inside the caller's transaction. */
  static void insert(Connection c, List<Delivery> deliveries) throws SQLException {
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

  List<Delivery> due(Instant now, int limit) {
    return jdbc.read(
        c ->
            read(
                c,
                "SELECT "
                    + DELIVERY_COLUMNS
                    + " FROM status_delivery WHERE delivered_at IS NULL AND next_attempt_at <= ? "
                    + "ORDER BY next_attempt_at, id LIMIT ?",
                now.toEpochMilli(),
                limit));
  }

  List<Delivery> list(String subscriberId, int limit) {
    return jdbc.read(
        c ->
            read(
                c,
                "SELECT "
                    + DELIVERY_COLUMNS
                    + " FROM status_delivery WHERE subscriber_id = ? ORDER BY id DESC LIMIT ?",
                subscriberId,
                limit));
  }

  private static List<Delivery> read(Connection c, String sql, Object... args) throws SQLException {
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

  boolean claim(long deliveryId, Instant due, Instant leaseUntil) {
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

  void delivered(long deliveryId, Instant at) {
    jdbc.inTransactionQuietly(
        c ->
            Jdbc.update(
                c,
                "UPDATE status_delivery SET delivered_at = ? WHERE id = ?",
                at.toEpochMilli(),
                deliveryId));
  }

  void failed(long deliveryId, int attempts, Instant nextAttemptAt, String error) {
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
}
