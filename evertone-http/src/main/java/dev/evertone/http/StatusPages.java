package dev.evertone.http;

import dev.evertone.status.StatusPage;
import dev.evertone.status.StatusService;
import dev.evertone.status.StatuspageJson;
import dev.evertone.store.Actor;
import dev.evertone.store.ValidationException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The public status page, without a token: the HTML page and each incident's page, the RSS and Atom
 * feeds, the JSON of Statuspage's public API v2 (with CORS, for dashboards in browsers), and the
 * mail subscription links. Nothing here names a tenant.
 */
final class StatusPages {
  static final String API = "/api/v2";

  /**
   * Mail subscriptions one address may ask for per window: enough for a person, too few to flood
   * mailboxes from one host.
   */
  static final int SUBSCRIBE_LIMIT = 5;

  private static final long SUBSCRIBE_WINDOW_MILLIS = 10 * 60_000;

  private final StatusService status;
  private final StatusPage page;
  // per source address: {start of the window, requests in it}; forgotten wholesale when it grows
  // large
  private final Map<String, long[]> subscribes = new ConcurrentHashMap<>();

  StatusPages(StatusService status, StatusPage page) {
    this.status = status;
    this.page = page;
  }

  void register(JavalinConfig config) {
    config.routes.get("/", ctx -> html(ctx, 200, page.html()));
    config.routes.get(
        "/incidents/{incident}",
        ctx -> {
          String html = page.incidentHtml(ctx.pathParam("incident")).orElse(null);
          if (html == null) {
            html(
                ctx,
                404,
                page.message(
                    "Not found", "There is no incident " + ctx.pathParam("incident") + "."));
          } else {
            html(ctx, 200, html);
          }
        });
    config.routes.get(
        "/history.rss",
        ctx -> ctx.contentType("application/rss+xml; charset=utf-8").result(page.rss()));
    config.routes.get(
        "/history.atom",
        ctx -> ctx.contentType("application/atom+xml; charset=utf-8").result(page.atom()));
    json(config, "/summary.json", page::summary);
    json(config, "/status.json", page::statusOnly);
    json(config, "/components.json", page::components);
    json(config, "/incidents.json", () -> page.incidents(false));
    json(config, "/incidents/unresolved.json", () -> page.incidents(true));
    json(config, "/scheduled-maintenances.json", () -> page.maintenances("all"));
    json(config, "/scheduled-maintenances/upcoming.json", () -> page.maintenances("upcoming"));
    json(config, "/scheduled-maintenances/active.json", () -> page.maintenances("active"));
    config.routes.post("/subscribe", this::subscribe);
    config.routes.get(
        "/subscriptions/confirm",
        ctx -> {
          boolean ok = status.confirm(token(ctx), subscriber(ctx));
          html(
              ctx,
              ok ? 200 : 404,
              ok
                  ? page.message(
                      "Subscribed",
                      "You will get a mail when an incident is declared, updated or resolved.")
                  : page.message(
                      "Unknown link",
                      "This confirmation link is not valid (any more); subscribe again on the status page."));
        });
    // a link in a mail only asks; the POST (the form, or a mail client's one-click unsubscribe, RFC
    // 8058) does it,
    // so that a link scanner following every link cannot unsubscribe anyone
    config.routes.get(
        "/subscriptions/unsubscribe",
        ctx ->
            html(
                ctx,
                200,
                page.confirmForm(
                    "Unsubscribe",
                    "Stop mails about incidents on this status page?",
                    "/subscriptions/unsubscribe?token="
                        + java.net.URLEncoder.encode(
                            token(ctx), java.nio.charset.StandardCharsets.UTF_8),
                    "Unsubscribe")));
    config.routes.post(
        "/subscriptions/unsubscribe",
        ctx -> {
          boolean ok = status.unsubscribe(token(ctx), subscriber(ctx));
          html(
              ctx,
              ok ? 200 : 404,
              ok
                  ? page.message(
                      "Unsubscribed", "You will get no more mails from this status page.")
                  : page.message("Unknown link", "This address is not subscribed (any more)."));
        });
  }

  private static void json(JavalinConfig config, String path, Supplier<Object> body) {
    config.routes.get(
        API + path,
        ctx -> {
          ctx.header("Access-Control-Allow-Origin", "*");
          ctx.contentType("application/json")
              .result(StatuspageJson.MAPPER.writeValueAsString(body.get()));
        });
  }

  private boolean allowed(String source) {
    long now = System.currentTimeMillis();
    if (subscribes.size() > 10_000) {
      subscribes.clear();
    }
    long[] w =
        subscribes.compute(
            source,
            (k, v) ->
                v == null || v[0] < now - SUBSCRIBE_WINDOW_MILLIS
                    ? new long[] {now, 1}
                    : new long[] {v[0], v[1] + 1});
    return w[1] <= SUBSCRIBE_LIMIT;
  }

  private void subscribe(Context ctx) {
    if (!allowed(ctx.ip())) {
      html(
          ctx,
          429,
          page.message(
              "Too many requests",
              "This address asked for too many subscriptions; try again in a few minutes."));
      return;
    }
    String email = ctx.formParam("email");
    try {
      if (email == null || email.isBlank()) {
        throw new ValidationException("email", "is required");
      }
      status.subscribeEmail(email, List.of(), null, subscriber(ctx));
      html(
          ctx,
          200,
          page.message(
              "Check your mail",
              "We sent a link to " + email.strip() + ": follow it to confirm the subscription."));
    } catch (ValidationException e) {
      html(ctx, 400, page.message("Not subscribed", ApiError.messageOf(e)));
    }
  }

  /** Who acts through the public links, for the audit log: a subscriber, from this address. */
  private static Actor subscriber(Context ctx) {
    return new Actor("subscriber", ctx.ip());
  }

  private static String token(Context ctx) {
    String token = ctx.queryParam("token");
    return token == null ? "" : token;
  }

  private static void html(Context ctx, int status, String html) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(html);
  }
}
