package dev.evertone.http;

import dev.evertone.config.ServerConfig;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.recording.Recordings;
import dev.evertone.registrar.AuthGuard;
import dev.evertone.registrar.Registrations;
import dev.evertone.status.StatusPage;
import dev.evertone.status.StatusService;
import dev.evertone.store.admin.AdminTokenRepository;
import dev.evertone.store.calls.CallRecordRepository;
import dev.evertone.tls.CertificateManager;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server (Javalin on Jetty): {@code GET /metrics} in the Prometheus text format, {@code
 * GET /health}, {@code GET /ice-servers} for browser phones, the public status page ({@code /},
 * {@code /api/v2}), and the admin API under {@code /api/v1}.
 */
public final class HttpEndpoints implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpEndpoints.class);

  /** What {@code /health} tells a caller without an admin token: that the node is up, no more. */
  static final String PUBLIC_HEALTH = "{\"status\":\"up\"}\n";

  private final Javalin app;
  private final String host;

  private HttpEndpoints(Javalin app, String host) {
    this.app = app;
    this.host = host;
  }

  /**
   * "METHOD /path" of every admin API route, the OpenAPI document included: what the OpenAPI
   * document must describe.
   */
  public static List<String> adminRoutes() {
    List<String> out = new ArrayList<>();
    AdminApi.routes(AdminApi.LISTING_ONLY, new StatusApi(null, domain -> false))
        .forEach(r -> out.add(r.method().name() + " " + r.path()));
    out.add("GET " + AdminApi.OPENAPI);
    return out;
  }

  /**
   * What the HTTP port serves: each feature's service.
   *
   * @param certificates the served certificates, or null without TLS
   * @param ice what browsers are told of STUN/TURN, or null when the STUN server is off
   * @param status the status page's service and its rendering, or null when it is off
   * @param calls the call records
   * @param conferences the conference rooms, or null when none is configured
   * @param recordings the recordings of anchored calls
   * @param parking the park lots, or null when none is configured
   */
  public record Services(
      ProvisioningService provisioning,
      AdminTokenRepository tokens,
      AuthGuard guard,
      @Nullable CertificateManager certificates,
      Registrations registrations,
      @Nullable IceServers ice,
      @Nullable StatusService status,
      @Nullable StatusPage page,
      CallRecordRepository calls,
      dev.evertone.conference.@Nullable Conferences conferences,
      Recordings recordings,
      dev.evertone.park.@Nullable Parking parking) {}

  /**
   * Starts serving on {@code host}:{@code port}.
   *
   * @param maxRequestBytes the largest request body (an import file)
   * @param health what {@code GET /health} answers a caller with an admin token
   */
  public static HttpEndpoints start(
      ServerConfig.Http listener,
      long maxRequestBytes,
      PrometheusMeterRegistry meters,
      Supplier<String> health,
      Services services) {
    ProvisioningService provisioning = services.provisioning();
    AdminApi api =
        new AdminApi(
            services.tokens(),
            services.guard(),
            AdminApi.of(
                provisioning,
                services.registrations(),
                services.certificates(),
                services.calls(),
                services.conferences(),
                services.recordings(),
                services.parking()),
            new StatusApi(
                services.status(),
                domain ->
                    provisioning.domains().stream()
                        .anyMatch(d -> d.name().equalsIgnoreCase(domain))));
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.http.prefer405over404 = true;
              config.http.maxRequestSize = maxRequestBytes;
              config.jsonMapper(new JavalinJackson(ApiJson.MAPPER, false));
              ClientAddress clients = new ClientAddress(listener.trustedProxies());
              config.contextResolver.ip =
                  ctx -> clients.of(ctx.req().getRemoteAddr(), forwardedFor(ctx));
              routes(config, meters, health, services, api);
              errors(config, api, maxRequestBytes);
            });
    app.start(listener.host(), listener.port());
    return new HttpEndpoints(app, listener.host());
  }

  /**
   * Every X-Forwarded-For line in order, as one list (RFC 7230 3.2.2): a proxy may append a line of
   * its own after one the client wrote, and the last addresses are the ones the proxies vouch for.
   */
  private static @Nullable String forwardedFor(Context ctx) {
    var lines = ctx.req().getHeaders("X-Forwarded-For");
    if (lines == null || !lines.hasMoreElements()) {
      return null;
    }
    return String.join(",", java.util.Collections.list(lines));
  }

  /** Metrics and health, the public pages, then the admin API behind its token check. */
  private static void routes(
      JavalinConfig config,
      PrometheusMeterRegistry meters,
      Supplier<String> health,
      Services services,
      AdminApi api) {
    config.routes.get(
        "/metrics",
        ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape()));
    // liveness for anyone (a load balancer); what the node holds only for an admin token
    config.routes.get(
        "/health",
        ctx ->
            ctx.contentType("application/json")
                .result(api.token(ctx).isPresent() ? health.get() : PUBLIC_HEALTH));
    IceServers ice = services.ice();
    if (ice != null) {
      config.routes.get("/ice-servers", ice::handle);
    }
    StatusService status = services.status();
    StatusPage page = services.page();
    if (status != null && page != null) {
      new StatusPages(status, page).register(config);
    }
    config.routes.get(
        AdminApi.OPENAPI,
        ctx -> ctx.contentType("application/json").result(AdminApi.openApiDocument()));
    config.routes.before(AdminApi.BASE + "/*", api::authenticate);
    for (AdminApi.Route r : api.routes()) {
      config.routes.addHttpHandler(r.method(), r.path(), r.handler());
    }
  }

  /** The one place where failures become JSON errors ({@link ApiError}). */
  private static void errors(JavalinConfig config, AdminApi api, long maxRequestBytes) {
    config.routes.exception(
        AdminApi.Blocked.class,
        (e, ctx) -> error(ctx, ApiError.of(403, "blocked", ApiError.messageOf(e))));
    config.routes.exception(
        AdminApi.Unauthorized.class,
        (e, ctx) -> error(ctx, ApiError.of(401, "unauthorized", ApiError.messageOf(e))));
    config.routes.exception(
        HttpResponseException.class,
        (e, ctx) ->
            error(
                ctx,
                switch (e.getStatus()) {
                  case 404 -> notFound(ctx);
                  case 405 -> methodNotAllowed(ctx);
                  case 413 ->
                      ApiError.of(
                          413,
                          "too_large",
                          "the request body is larger than "
                              + maxRequestBytes
                              + " bytes (provisioning.import.max-bytes); split the file");
                  default ->
                      ApiError.of(e.getStatus(), "http_" + e.getStatus(), ApiError.messageOf(e));
                }));
    config.routes.exception(
        Exception.class,
        (e, ctx) -> {
          ApiError error = ApiError.of(e);
          if (error == null) {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            error =
                ApiError.of(
                    500, "internal", "the server failed to handle this request; its log says why");
          }
          error(ctx, error);
        });
    config.routes.error(
        404,
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            error(ctx, notFound(ctx));
          }
        });
    config.routes.error(
        405,
        ctx -> {
          ctx.header("Allow", allowed(api, ctx));
          error(ctx, methodNotAllowed(ctx));
        });
  }

  private static ApiError methodNotAllowed(Context ctx) {
    return ApiError.of(
        405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path());
  }

  private static ApiError notFound(Context ctx) {
    return ApiError.of(
        404,
        "not_found",
        "no such endpoint: "
            + ctx.method()
            + " "
            + ctx.path()
            + "; try /metrics, /health or "
            + AdminApi.OPENAPI);
  }

  private static String allowed(AdminApi api, Context ctx) {
    if (!ctx.path().startsWith(AdminApi.BASE)) {
      return "GET, HEAD";
    }
    return String.join(
        ", ",
        api.routes().stream()
            .filter(r -> matches(r.path(), ctx.path()))
            .map(r -> r.method().name())
            .distinct()
            .toList());
  }

  private static boolean matches(String pattern, String path) {
    return path.matches(pattern.replaceAll("\\{[^}]+}", "[^/]+"));
  }

  private static void error(Context ctx, ApiError error) {
    ctx.status(error.status()).json(error);
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(host, app.port());
  }

  @Override
  public void close() {
    app.stop();
  }
}
