package dev.evertone.http;

import static dev.evertone.http.AdminApi.BASE;
import static dev.evertone.http.AdminApi.number;

import dev.evertone.http.AdminApi.Route;
import dev.evertone.recording.Recording;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * The admin API's call recordings: started and stopped on a call in progress, listed, downloaded (a
 * WAV file) and deleted. Starts, stops and deletes are audited as the request's actor.
 */
final class RecordingRoutes implements AdminApi.RouteGroup {
  private final AdminApi.Features features;

  RecordingRoutes(AdminApi.Features features) {
    this.features = features;
  }

  @Override
  public List<Route> routes() {
    String call = BASE + "/calls/{call_id}/recording";
    return List.of(
        new Route(HandlerType.POST, call, this::start),
        new Route(HandlerType.DELETE, call, this::stop),
        new Route(HandlerType.GET, BASE + "/recordings", this::list),
        new Route(HandlerType.GET, BASE + "/recordings/{id}", this::download),
        new Route(HandlerType.DELETE, BASE + "/recordings/{id}", this::delete));
  }

  private void start(Context ctx) {
    Recording r = features.recordings().start(ctx.pathParam("call_id"), AdminApi.actor(ctx));
    AdminApi.created(ctx, RecordingView.of(r));
  }

  private void stop(Context ctx) {
    ctx.json(
        RecordingView.of(
            features.recordings().stop(ctx.pathParam("call_id"), AdminApi.actor(ctx))));
  }

  private void list(Context ctx) {
    String domain = ctx.queryParam("domain");
    String callId = ctx.queryParam("call_id");
    int limit = (int) number(ctx, "limit", 100, 1, 10_000);
    ctx.json(
        features
            .recordings()
            .list(
                domain == null || domain.isBlank() ? null : domain.toLowerCase(Locale.ROOT),
                callId == null || callId.isBlank() ? null : callId,
                limit)
            .stream()
            .map(RecordingView::of)
            .toList());
  }

  private void download(Context ctx) {
    String id = ctx.pathParam("id");
    try {
      // opened first: a recording that goes on or is gone is answered as an error, not as audio
      var in = features.recordings().open(id);
      ctx.header("Content-Disposition", "attachment; filename=\"" + id + ".wav\"")
          .contentType("audio/wav")
          .result(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void delete(Context ctx) {
    features.recordings().delete(ctx.pathParam("id"), AdminApi.actor(ctx));
    ctx.status(204);
  }
}
