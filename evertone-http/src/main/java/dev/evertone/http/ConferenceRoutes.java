package dev.evertone.http;

import static dev.evertone.http.AdminApi.BASE;

import dev.evertone.http.AdminApi.Route;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;

/**
 * The admin API's conference rooms: listed with who is in them, and a party muted, unmuted or
 * removed (evertone hangs its call up).
 */
final class ConferenceRoutes implements AdminApi.RouteGroup {
  private static final String ROOM = BASE + "/conferences/{room}";
  private static final String PARTY = ROOM + "/participants/{participant}";

  private final AdminApi.Features features;

  ConferenceRoutes(AdminApi.Features features) {
    this.features = features;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route(HandlerType.GET, BASE + "/conferences", this::list),
        new Route(HandlerType.GET, ROOM, this::show),
        new Route(HandlerType.POST, PARTY + "/mute", ctx -> mute(ctx, true)),
        new Route(HandlerType.POST, PARTY + "/unmute", ctx -> mute(ctx, false)),
        new Route(HandlerType.DELETE, PARTY, this::kick));
  }

  private void list(Context ctx) {
    String domain = ctx.queryParam("domain");
    ctx.json(features.conferences().list(domain == null || domain.isBlank() ? null : domain));
  }

  private void show(Context ctx) {
    ctx.json(features.conferences().show(ctx.pathParam("room")));
  }

  private void mute(Context ctx, boolean muted) {
    ctx.json(
        features.conferences().mute(ctx.pathParam("room"), ctx.pathParam("participant"), muted));
  }

  /** The party's call is hung up (a BYE from evertone); the room as it is then. */
  private void kick(Context ctx) {
    String room = ctx.pathParam("room");
    features.conferences().kick(room, ctx.pathParam("participant"));
    ctx.json(features.conferences().show(room));
  }
}
