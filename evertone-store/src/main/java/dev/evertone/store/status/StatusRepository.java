package dev.evertone.store.status;

import dev.evertone.store.Actor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Stores the status page. Every change by a person or a monitor is recorded in the audit log in the
 * same transaction; an incident, its components' statuses and the notifications about it are
 * written together.
 */
public interface StatusRepository {

  /** All components, by position. */
  List<Component> components();

  /** Adds a component, or changes its name, description, group and position (not its status). */
  Component putComponent(Component component, Actor actor);

  /** Removes a component; throws NotFoundException when there is none with that id. */
  void removeComponent(String id, Actor actor);

  /**
   * The status history of one component since {@code since}, oldest first, starting with the status
   * it had at {@code since} (if it existed then).
   */
  List<ComponentEvent> componentEvents(String componentId, Instant since);

  /**
   * Incidents (or maintenances) newest first, at most {@code limit}; {@code open} only those not
   * resolved or completed.
   */
  List<Incident> incidents(IncidentKind kind, boolean open, int limit);

  Optional<Incident> incident(String id);

  /**
   * Writes {@code incident} as it now is: inserts it, or updates it if its stored {@code updatedAt}
   * is still {@code expectedUpdatedAt} (ConflictException if someone changed it meanwhile). Appends
   * the updates it has that are not stored yet, sets {@code componentStatuses}, queues {@code
   * deliveries}, and records {@code action} in the audit log.
   *
   * @param expectedUpdatedAt null for a new incident
   */
  void saveIncident(
      Incident incident,
      @Nullable Instant expectedUpdatedAt,
      Map<String, ComponentStatus> componentStatuses,
      List<Delivery> deliveries,
      Actor actor,
      String action);

  /** Sets components' statuses outside an incident (an operator's correction), audited. */
  void setComponentStatuses(Map<String, ComponentStatus> statuses, Actor actor);

  Subscriber addSubscriber(Subscriber subscriber, Actor actor);

  List<Subscriber> subscribers();

  Optional<Subscriber> subscriberByToken(String token);

  /** Marks a subscription confirmed (audited); false when the token is unknown. */
  boolean confirm(String token, Instant at, Actor actor);

  /** Removes the subscriber with this token (an unsubscribe link; audited); false when unknown. */
  boolean unsubscribe(String token, Actor actor);

  /** Removes a subscriber; throws NotFoundException when there is none. */
  void removeSubscriber(String id, Actor actor);

  /** Queues notifications outside an incident's change (a confirmation mail). */
  void enqueue(List<Delivery> deliveries);

  /** Undelivered notifications due at {@code now}, oldest first. */
  List<Delivery> dueDeliveries(Instant now, int limit);

  /**
   * Takes a due delivery for one attempt: moves its next attempt to {@code leaseUntil} if it is
   * still {@code due}. False when another node took it first (several nodes share the outbox).
   */
  boolean claim(long deliveryId, Instant due, Instant leaseUntil);

  void delivered(long deliveryId, Instant at);

  /** A failed attempt: how many so far, when to try again, why it failed. */
  void failed(long deliveryId, int attempts, Instant nextAttemptAt, String error);

  /** Every notification to one subscriber, newest first (for the admin API and tests). */
  List<Delivery> deliveries(String subscriberId, int limit);
}
