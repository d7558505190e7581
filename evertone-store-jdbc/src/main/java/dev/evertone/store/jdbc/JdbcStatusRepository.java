package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentEvent;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Delivery;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.StatusRepository;
import dev.evertone.store.status.Subscriber;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The status page in the database: its components ({@link JdbcComponents}), incidents and
 * maintenances ({@link JdbcIncidents}), subscribers ({@link JdbcSubscribers}; webhook secrets are
 * encrypted like line secrets) and the outbox of their notifications ({@link JdbcDeliveries}).
 */
final class JdbcStatusRepository implements StatusRepository {
  private final JdbcComponents components;
  private final JdbcIncidents incidents;
  private final JdbcSubscribers subscribers;
  private final JdbcDeliveries deliveries;

  JdbcStatusRepository(Jdbc jdbc, SecretCipher cipher, Clock clock) {
    this.components = new JdbcComponents(jdbc, clock);
    this.incidents = new JdbcIncidents(jdbc);
    this.subscribers = new JdbcSubscribers(jdbc, cipher, clock);
    this.deliveries = new JdbcDeliveries(jdbc);
  }

  @Override
  public List<Component> components() {
    return components.list();
  }

  @Override
  public Component putComponent(Component component, Actor actor) {
    return components.put(component, actor);
  }

  @Override
  public void removeComponent(String id, Actor actor) {
    components.remove(id, actor);
  }

  @Override
  public List<ComponentEvent> componentEvents(String componentId, Instant since) {
    return components.events(componentId, since);
  }

  @Override
  public void setComponentStatuses(Map<String, ComponentStatus> statuses, Actor actor) {
    components.setStatuses(statuses, actor);
  }

  @Override
  public List<Incident> incidents(IncidentKind kind, boolean open, int limit) {
    return incidents.list(kind, open, limit);
  }

  @Override
  public Optional<Incident> incident(String id) {
    return incidents.find(id);
  }

  @Override
  public void saveIncident(
      Incident incident,
      @Nullable Instant expectedUpdatedAt,
      Map<String, ComponentStatus> componentStatuses,
      List<Delivery> deliveries,
      Actor actor,
      String action) {
    incidents.save(incident, expectedUpdatedAt, componentStatuses, deliveries, actor, action);
  }

  @Override
  public Subscriber addSubscriber(Subscriber s, Actor actor) {
    return subscribers.add(s, actor);
  }

  @Override
  public List<Subscriber> subscribers() {
    return subscribers.list();
  }

  @Override
  public Optional<Subscriber> subscriberByToken(String token) {
    return subscribers.byToken(token);
  }

  @Override
  public boolean confirm(String token, Instant at, Actor actor) {
    return subscribers.confirm(token, at, actor);
  }

  @Override
  public boolean unsubscribe(String token, Actor actor) {
    return subscribers.unsubscribe(token, actor);
  }

  @Override
  public void removeSubscriber(String id, Actor actor) {
    subscribers.remove(id, actor);
  }

  @Override
  public void enqueue(List<Delivery> deliveries) {
    this.deliveries.enqueue(deliveries);
  }

  @Override
  public List<Delivery> dueDeliveries(Instant now, int limit) {
    return deliveries.due(now, limit);
  }

  @Override
  public boolean claim(long deliveryId, Instant due, Instant leaseUntil) {
    return deliveries.claim(deliveryId, due, leaseUntil);
  }

  @Override
  public void delivered(long deliveryId, Instant at) {
    deliveries.delivered(deliveryId, at);
  }

  @Override
  public void failed(long deliveryId, int attempts, Instant nextAttemptAt, String error) {
    deliveries.failed(deliveryId, attempts, nextAttemptAt, error);
  }

  @Override
  public List<Delivery> deliveries(String subscriberId, int limit) {
    return deliveries.list(subscriberId, limit);
  }
}
