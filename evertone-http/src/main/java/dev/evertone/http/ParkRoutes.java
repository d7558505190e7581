package dev.evertone.http;

import static dev.evertone.http.AdminApi.BASE;

import dev.evertone.http.AdminApi.Route;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;

/** The admin API's park lots: the occupied slots, who waits in each and who parked it. */
final class ParkRoutes implements AdminApi.RouteGroup {
  private final AdminApi.Features features;

  ParkRoutes(AdminApi.Features features) {
    this.features = features;
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route(HandlerType.GET, BASE + "/park", this::list));
  }

  private void list(Context ctx) {
    String domain = ctx.queryParam("domain");
    ctx.json(features.parking().list(domain == null || domain.isBlank() ? null : domain));
  }
}
