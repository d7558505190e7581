package dev.evertone.http;

import static dev.evertone.http.AdminApi.body;
import static dev.evertone.http.AdminApi.created;
import static dev.evertone.http.AdminApi.flag;
import static dev.evertone.http.AdminApi.number;
import static dev.evertone.http.AdminApi.required;

import dev.evertone.status.IncidentChange;
import dev.evertone.status.NewIncident;
import dev.evertone.status.NewMaintenance;
import dev.evertone.status.StatusService;
import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import dev.evertone.store.status.Subscriber;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The status page's part of the admin API, {@code /api/v1/status}: components, incidents with their
 * updates and postmortems, maintenances, subscribers. Unlike the public JSON it shows what is
 * private: the tenants an incident affects and which monitor declared it.
 */
final class StatusApi {
  static final String BASE = AdminApi.BASE + "/status";

  private final @Nullable StatusService status;
  private final java.util.function.Predicate<String> domainExists;

  /**
   * @param domainExists whether a tenant of a subscriber is provisioned
   */
  StatusApi(@Nullable StatusService status, java.util.function.Predicate<String> domainExists) {
    this.status = status;
    this.domainExists = domainExists;
  }

  record ComponentBody(
      @Nullable String name,
      @Nullable String description,
      @Nullable String group,
      @Nullable Integer position) {}

  record ComponentStatusBody(@Nullable String status) {}

  record IncidentBody(
      @Nullable String name,
      @Nullable String status,
      @Nullable String impact,
      @Nullable String body,
      @Nullable Map<String, String> components) {}

  record UpdateBody(
      @Nullable String status,
      @Nullable String body,
      @Nullable String impact,
      @Nullable Map<String, String> components) {}

  record PostmortemBody(@Nullable String body) {}

  record MaintenanceBody(
      @Nullable String name,
      @Nullable String body,
      @Nullable String scheduledFor,
      @Nullable String scheduledUntil,
      @Nullable List<String> components) {}

  record SubscriberBody(
      @Nullable String type,
      @Nullable String url,
      @Nullable String email,
      @Nullable List<String> components,
      @Nullable String domain) {}

  /** A subscriber as listed: never its secret or its token. */
  record SubscriberInfo(
      String id,
      String type,
      String address,
      List<String> components,
      @Nullable String domain,
      boolean confirmed,
      Instant createdAt) {
    static SubscriberInfo of(Subscriber s) {
      return new SubscriberInfo(
          s.id(),
          s.kind().wire(),
          s.address(),
          s.components(),
          s.domain(),
          s.confirmedAt() != null,
          s.createdAt());
    }
  }

  /** One notification to a subscriber: delivered, or why not yet and when it is tried again. */
  record DeliveryInfo(
      long id,
      String subject,
      int attempts,
      Instant nextAttemptAt,
      @Nullable Instant deliveredAt,
      @Nullable String lastError) {
    static DeliveryInfo of(dev.evertone.store.status.Delivery d) {
      return new DeliveryInfo(
          d.id(), d.subject(), d.attempts(), d.nextAttemptAt(), d.deliveredAt(), d.lastError());
    }
  }

  /** A new webhook subscriber with its signing secret, shown this once. */
  record NewSubscriber(
      String id,
      String type,
      String address,
      List<String> components,
      @Nullable String domain,
      boolean confirmed,
      @Nullable String secret) {}

  List<AdminApi.Route> routes(java.util.function.Function<Context, Actor> actor) {
    String component = BASE + "/components/{component}";
    String incident = BASE + "/incidents/{incident}";
    String subscriber = BASE + "/subscribers/{subscriber}";
    return List.of(
        new AdminApi.Route(
            HandlerType.GET, BASE + "/components", ctx -> ctx.json(status().components())),
        new AdminApi.Route(HandlerType.PUT, component, ctx -> putComponent(ctx, actor.apply(ctx))),
        new AdminApi.Route(
            HandlerType.PATCH, component, ctx -> setComponentStatus(ctx, actor.apply(ctx))),
        new AdminApi.Route(
            HandlerType.DELETE,
            component,
            ctx -> {
              status().removeComponent(ctx.pathParam("component"), actor.apply(ctx));
              ctx.status(204);
            }),
        new AdminApi.Route(HandlerType.GET, BASE + "/incidents", this::incidents),
        new AdminApi.Route(
            HandlerType.POST, BASE + "/incidents", ctx -> declare(ctx, actor.apply(ctx))),
        new AdminApi.Route(
            HandlerType.GET,
            incident,
            ctx -> ctx.json(status().incident(ctx.pathParam("incident")))),
        new AdminApi.Route(
            HandlerType.POST, incident + "/updates", ctx -> update(ctx, actor.apply(ctx))),
        new AdminApi.Route(
            HandlerType.PUT,
            incident + "/postmortem",
            ctx ->
                ctx.json(
                    status()
                        .publishPostmortem(
                            ctx.pathParam("incident"),
                            required(body(ctx, PostmortemBody.class).body(), "body"),
                            actor.apply(ctx)))),
        new AdminApi.Route(
            HandlerType.POST,
            BASE + "/maintenances",
            ctx -> scheduleMaintenance(ctx, actor.apply(ctx))),
        new AdminApi.Route(
            HandlerType.GET,
            BASE + "/subscribers",
            ctx ->
                ctx.json(
                    status().repository().subscribers().stream().map(SubscriberInfo::of).toList())),
        new AdminApi.Route(
            HandlerType.POST, BASE + "/subscribers", ctx -> subscribe(ctx, actor.apply(ctx))),
        new AdminApi.Route(HandlerType.GET, subscriber + "/deliveries", this::deliveries),
        new AdminApi.Route(
            HandlerType.DELETE,
            subscriber,
            ctx -> {
              status().repository().removeSubscriber(ctx.pathParam("subscriber"), actor.apply(ctx));
              ctx.status(204);
            }));
  }

  private void putComponent(Context ctx, Actor actor) {
    ComponentBody b = body(ctx, ComponentBody.class);
    ctx.json(
        status()
            .putComponent(
                ctx.pathParam("component"),
                required(b.name(), "name"),
                b.description(),
                b.group(),
                b.position(),
                actor));
  }

  private void setComponentStatus(Context ctx, Actor actor) {
    status()
        .setComponentStatus(
            ctx.pathParam("component"),
            ComponentStatus.of(required(body(ctx, ComponentStatusBody.class).status(), "status")),
            actor);
    ctx.json(
        status().components().stream()
            .filter(c -> c.id().equals(ctx.pathParam("component")))
            .findFirst()
            .orElseThrow());
  }

  private void incidents(Context ctx) {
    String kind = ctx.queryParam("kind");
    ctx.json(
        status()
            .incidents(
                kind == null || kind.isEmpty() ? IncidentKind.INCIDENT : IncidentKind.of(kind),
                flag(ctx, "open"),
                (int) number(ctx, "limit", 50, 1, 1000)));
  }

  private void declare(Context ctx, Actor actor) {
    IncidentBody b = body(ctx, IncidentBody.class);
    created(
        ctx,
        status()
            .declare(
                new NewIncident(
                    required(b.name(), "name"),
                    b.status() == null ? null : IncidentStatus.of(b.status()),
                    Impact.of(required(b.impact(), "impact")),
                    required(b.body(), "body"),
                    components(b.components())),
                actor));
  }

  private void update(Context ctx, Actor actor) {
    UpdateBody b = body(ctx, UpdateBody.class);
    ctx.json(
        status()
            .update(
                ctx.pathParam("incident"),
                new IncidentChange(
                    IncidentStatus.of(required(b.status(), "status")),
                    required(b.body(), "body"),
                    b.impact() == null ? null : Impact.of(b.impact()),
                    b.components() == null ? null : components(b.components())),
                actor));
  }

  private void scheduleMaintenance(Context ctx, Actor actor) {
    MaintenanceBody b = body(ctx, MaintenanceBody.class);
    created(
        ctx,
        status()
            .scheduleMaintenance(
                new NewMaintenance(
                    required(b.name(), "name"),
                    required(b.body(), "body"),
                    time(b.scheduledFor(), "scheduled_for"),
                    time(b.scheduledUntil(), "scheduled_until"),
                    b.components() == null ? List.of() : b.components()),
                actor));
  }

  private void subscribe(Context ctx, Actor actor) {
    SubscriberBody b = body(ctx, SubscriberBody.class);
    List<String> components = b.components() == null ? List.of() : b.components();
    Subscriber s =
        switch (required(b.type(), "type")) {
          case "webhook" ->
              status()
                  .subscribeWebhook(
                      required(b.url(), "url"), components, domain(b.domain()), actor);
          // an operator adds the address, but its owner still confirms it: nobody is mailed who did
          // not agree
          case "email" ->
              status()
                  .subscribeEmail(
                      required(b.email(), "email"), components, domain(b.domain()), actor);
          default ->
              throw new ValidationException("type", "'" + b.type() + "' is not webhook or email");
        };
    created(
        ctx,
        new NewSubscriber(
            s.id(),
            s.kind().wire(),
            s.address(),
            s.components(),
            s.domain(),
            s.confirmedAt() != null,
            s.secret()));
  }

  private void deliveries(Context ctx) {
    String id = ctx.pathParam("subscriber");
    if (status().repository().subscribers().stream().noneMatch(x -> x.id().equals(id))) {
      throw new NotFoundException(
          "there is no subscriber " + id + "; GET /api/v1/status/subscribers lists them");
    }
    ctx.json(
        status().repository().deliveries(id, (int) number(ctx, "limit", 50, 1, 1000)).stream()
            .map(DeliveryInfo::of)
            .toList());
  }

  private StatusService status() {
    if (status == null) {
      throw new ConflictException("the status page is off on this server (status.enabled: false)");
    }
    return status;
  }

  private static Map<String, ComponentStatus> components(@Nullable Map<String, String> components) {
    Map<String, ComponentStatus> out = new LinkedHashMap<>();
    if (components != null) {
      components.forEach((id, s) -> out.put(id, ComponentStatus.of(s == null ? "" : s)));
    }
    return out;
  }

  private @Nullable String domain(@Nullable String domain) {
    if (domain == null || domain.isBlank()) {
      return null;
    }
    String d = domain.strip().toLowerCase(java.util.Locale.ROOT);
    if (!domainExists.test(d)) {
      throw new ValidationException(
          "domain", "domain " + d + " does not exist; 'evertone domain list' shows the domains");
    }
    return d;
  }

  private static Instant time(@Nullable String value, String field) {
    try {
      return Instant.parse(required(value, field));
    } catch (DateTimeParseException e) {
      throw new ValidationException(
          field, "'" + value + "' is not a time like 2026-12-01T02:00:00Z");
    }
  }
}
