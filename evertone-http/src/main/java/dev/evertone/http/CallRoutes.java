package dev.evertone.http;

import static dev.evertone.http.AdminApi.BASE;
import static dev.evertone.http.AdminApi.number;

import dev.evertone.http.AdminApi.Route;
import dev.evertone.store.ValidationException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The admin API's call records (CDRs): listed and exported as JSON or CSV. */
final class CallRoutes implements AdminApi.RouteGroup {
  private final AdminApi.Features features;

  CallRoutes(AdminApi.Features features) {
    this.features = features;
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route(HandlerType.GET, BASE + "/calls", this::list));
  }

  private void list(Context ctx) {
    boolean csv = csv(ctx);
    String domain = ctx.queryParam("domain");
    Instant since = time(ctx, "since");
    Instant until = time(ctx, "until");
    if (since != null && until != null && !since.isBefore(until)) {
      throw new ValidationException("until", "must be after since");
    }
    int limit = (int) number(ctx, "limit", 100, 1, 10_000);
    List<CallView> calls =
        features
            .calls()
            .list(
                domain == null || domain.isBlank() ? null : domain.toLowerCase(Locale.ROOT),
                since,
                until,
                limit)
            .stream()
            .map(CallView::of)
            .toList();
    if (csv) {
      ctx.contentType("text/csv; charset=utf-8").result(CallView.csv(calls));
    } else {
      ctx.json(calls);
    }
  }

  /** CSV when {@code format=csv} or, without format, when the client accepts text/csv. */
  private static boolean csv(Context ctx) {
    String format = ctx.queryParam("format");
    if (format != null && !format.isEmpty()) {
      return switch (format.toLowerCase(Locale.ROOT)) {
        case "csv" -> true;
        case "json" -> false;
        default -> throw new ValidationException("format", "'" + format + "' is not csv or json");
      };
    }
    String accept = ctx.header("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
  }

  private static @Nullable Instant time(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new ValidationException(name, "'" + v + "' is not a time like 2026-11-23T09:00:00Z");
    }
  }
}
