package dev.evertone.http;

import static dev.evertone.http.AdminApi.BASE;
import static dev.evertone.http.AdminApi.body;
import static dev.evertone.http.AdminApi.required;

import dev.evertone.http.AdminApi.Route;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.provisioning.TrunkSpec;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The admin API's routing routes: trunks, numbers, forwarding rules and dial plans. */
final class RoutingRoutes implements AdminApi.RouteGroup {
  private final AdminApi.Features features;

  RoutingRoutes(AdminApi.Features features) {
    this.features = features;
  }

  record NumberBody(@Nullable String extension) {}

  record ForwardBody(@Nullable String target, @Nullable Integer afterSeconds) {}

  record DialPlanBody(
      @Nullable String countryCode,
      @Nullable String nationalPrefix,
      @Nullable String internationalPrefix) {}

  /** A number in a path: '+' must be sent as %2B; a bare '+' that became a space is taken back. */
  private static String number(Context ctx) {
    return ctx.pathParam("number").replace(' ', '+');
  }

  @Override
  public List<Route> routes() {
    List<Route> all = new ArrayList<>(trunkRoutes());
    all.addAll(forwardingRoutes());
    return all;
  }

  private ProvisioningService service(Context ctx) {
    return features.provisioning(ctx);
  }

  /** Trunks to carriers and the numbers they bring. */
  private List<Route> trunkRoutes() {
    String d = BASE + "/domains/{domain}";
    return List.of(
        new Route(
            HandlerType.GET,
            d + "/trunks",
            ctx -> ctx.json(service(ctx).trunks(ctx.pathParam("domain")))),
        new Route(
            HandlerType.PUT,
            d + "/trunks/{name}",
            ctx ->
                ctx.json(
                    service(ctx)
                        .putTrunk(
                            ctx.pathParam("domain"),
                            ctx.pathParam("name"),
                            body(ctx, TrunkSpec.class)))),
        new Route(
            HandlerType.DELETE,
            d + "/trunks/{name}",
            ctx -> {
              service(ctx).removeTrunk(ctx.pathParam("domain"), ctx.pathParam("name"));
              ctx.status(204);
            }),
        new Route(
            HandlerType.GET,
            d + "/numbers",
            ctx -> ctx.json(service(ctx).numbers(ctx.pathParam("domain")))),
        new Route(
            HandlerType.PUT,
            d + "/numbers/{number}",
            ctx ->
                ctx.json(
                    service(ctx)
                        .putNumber(
                            ctx.pathParam("domain"),
                            number(ctx),
                            required(body(ctx, NumberBody.class).extension(), "extension")))),
        new Route(
            HandlerType.DELETE,
            d + "/numbers/{number}",
            ctx -> {
              service(ctx).removeNumber(ctx.pathParam("domain"), number(ctx));
              ctx.status(204);
            }));
  }

  /** Forwarding rules of an extension, and the domain's dial plan. */
  private List<Route> forwardingRoutes() {
    String d = BASE + "/domains/{domain}";
    return List.of(
        new Route(
            HandlerType.GET,
            d + "/forwarding",
            ctx -> ctx.json(service(ctx).forwarding(ctx.pathParam("domain"), null))),
        new Route(
            HandlerType.GET,
            d + "/users/{extension}/forwarding",
            ctx ->
                ctx.json(
                    service(ctx).forwarding(ctx.pathParam("domain"), ctx.pathParam("extension")))),
        new Route(
            HandlerType.PUT,
            d + "/users/{extension}/forwarding/{kind}",
            ctx -> {
              ForwardBody b = body(ctx, ForwardBody.class);
              ctx.json(
                  service(ctx)
                      .setForwarding(
                          ctx.pathParam("domain"),
                          ctx.pathParam("extension"),
                          ctx.pathParam("kind"),
                          required(b.target(), "target"),
                          b.afterSeconds()));
            }),
        new Route(
            HandlerType.DELETE,
            d + "/users/{extension}/forwarding/{kind}",
            ctx -> {
              service(ctx)
                  .removeForwarding(
                      ctx.pathParam("domain"), ctx.pathParam("extension"), ctx.pathParam("kind"));
              ctx.status(204);
            }),
        new Route(
            HandlerType.GET,
            d + "/dial-plan",
            ctx -> ctx.json(service(ctx).dialPlan(ctx.pathParam("domain")))),
        new Route(
            HandlerType.PUT,
            d + "/dial-plan",
            ctx -> {
              DialPlanBody b = body(ctx, DialPlanBody.class);
              ctx.json(
                  service(ctx)
                      .setDialPlan(
                          ctx.pathParam("domain"),
                          required(b.countryCode(), "country_code"),
                          b.nationalPrefix() == null ? "0" : b.nationalPrefix(),
                          b.internationalPrefix() == null ? "00" : b.internationalPrefix()));
            }));
  }
}
