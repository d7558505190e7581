package dev.evertone.http;

import static dev.evertone.http.AdminApi.ACTOR;
import static dev.evertone.http.AdminApi.BASE;
import static dev.evertone.http.AdminApi.number;

import dev.evertone.http.AdminApi.Route;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.store.Actor;
import dev.evertone.store.NotFoundException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin API's registration routes: who is registered now, and whether they answer. */
final class RegistrationRoutes implements AdminApi.RouteGroup {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class); // as before the split

  /**
   * The longest a ping waits for answers: a UDP device that does not answer is retried for 32 s
   * (Timer F).
   */
  static final long MAX_PING_MILLIS = 32_000;

  private final AdminApi.Features features;

  RegistrationRoutes(AdminApi.Features features) {
    this.features = features;
  }

  private ProvisioningService service(Context ctx) {
    return features.provisioning(ctx);
  }

  /** Who is registered, and whether they answer. */
  @Override
  public List<Route> routes() {
    String d = BASE + "/domains/{domain}";
    return List.of(
        new Route(
            HandlerType.GET,
            d + "/registrations",
            ctx -> {
              String authUser = ctx.queryParam("auth_user");
              existing(ctx, authUser);
              ctx.json(
                  features
                      .registrations()
                      .list(
                          ctx.pathParam("domain"),
                          authUser,
                          (int) number(ctx, "limit", 1000, 1, 10_000)));
            }),
        new Route(
            HandlerType.POST,
            d + "/lines/{auth_user}/ping",
            ctx -> {
              existing(ctx, ctx.pathParam("auth_user"));
              Duration timeout =
                  Duration.ofMillis(number(ctx, "timeout_ms", 5000, 1, MAX_PING_MILLIS));
              log.info(
                  "ping of {}@{} by {}",
                  ctx.pathParam("auth_user"),
                  ctx.pathParam("domain"),
                  ctx.<Actor>attribute(ACTOR));
              ctx.json(
                  features
                      .registrations()
                      .ping(ctx.pathParam("domain"), ctx.pathParam("auth_user"), timeout));
            }),
        new Route(
            HandlerType.DELETE,
            d + "/lines/{auth_user}/registrations",
            ctx -> {
              existing(ctx, ctx.pathParam("auth_user"));
              String contact = ctx.queryParam("contact");
              List<String> removed =
                  features
                      .registrations()
                      .remove(ctx.pathParam("domain"), ctx.pathParam("auth_user"), contact);
              log.info(
                  "registrations of {}@{} removed by {}: {}",
                  ctx.pathParam("auth_user"),
                  ctx.pathParam("domain"),
                  ctx.<Actor>attribute(ACTOR),
                  removed);
              if (contact != null && removed.isEmpty()) {
                throw new NotFoundException(
                    "no binding of "
                        + ctx.pathParam("auth_user")
                        + "@"
                        + ctx.pathParam("domain")
                        + " has contact "
                        + contact
                        + "; 'evertone registrations list' shows them");
              }
              ctx.json(java.util.Map.of("removed", removed));
            }));
  }

  /**
   * A 404 for a domain, or a line of it, that is not provisioned: the registrar would refuse it
   * anyway.
   */
  private void existing(Context ctx, @Nullable String authUser) {
    String domain = ctx.pathParam("domain");
    if (authUser == null) {
      if (service(ctx).domains().stream().noneMatch(d -> d.name().equalsIgnoreCase(domain))) {
        throw new NotFoundException(
            "domain " + domain + " does not exist; 'evertone domain list' shows the domains");
      }
    } else if (service(ctx).devices(domain, null, authUser).isEmpty()) {
      throw new NotFoundException(
          "line "
              + authUser
              + "@"
              + domain
              + " is not provisioned; 'evertone device list "
              + domain
              + "' shows the lines");
    }
  }
}
