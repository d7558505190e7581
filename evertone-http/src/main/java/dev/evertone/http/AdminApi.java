package dev.evertone.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evertone.provisioning.DeviceUpdate;
import dev.evertone.provisioning.ImportOptions;
import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.provisioning.RestoreRequest;
import dev.evertone.provisioning.TrunkSpec;
import dev.evertone.provisioning.template.Format;
import dev.evertone.registrar.Registrations;
import dev.evertone.status.StatusService;
import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.admin.AdminTokenRepository;
import dev.evertone.tls.CertificateManager;
import dev.evertone.tls.Certificates;
import dev.evertone.tls.ServedCertificate;
import dev.evertone.tls.TlsCheck;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API, {@code /api/v1}: domains, users, devices, lines and their credentials, imports,
 * exports, restores and the audit log. Every call but the OpenAPI document needs {@code
 * Authorization: Bearer <token>} with a token from {@code evertone token create}; the token's name
 * is the actor in the audit log. The routes are a table so that a test can hold them against the
 * OpenAPI document.
 */
final class AdminApi {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  static final String BASE = "/api/v1";
  static final String OPENAPI = BASE + "/openapi.json";
  private static final String ACTOR = "evertone.actor";

  /** One route of the API. */
  record Route(HandlerType method, String path, Handler handler) {}

  private final ProvisioningService provisioning;
  private final AdminTokenRepository tokens;
  private final @Nullable CertificateManager certificates;
  private final Registrations registrations;
  private final StatusApi statusApi;

  AdminApi(
      ProvisioningService provisioning,
      AdminTokenRepository tokens,
      @Nullable CertificateManager certificates,
      Registrations registrations,
      @Nullable StatusService status) {
    this.statusApi =
        new StatusApi(
            status,
            domain ->
                provisioning.domains().stream().anyMatch(d -> d.name().equalsIgnoreCase(domain)));
    this.provisioning = provisioning;
    this.tokens = tokens;
    this.certificates = certificates;
    this.registrations = registrations;
  }

  /**
   * The longest a ping waits for answers: a UDP device that does not answer is retried for 32 s
   * (Timer F).
   */
  static final long MAX_PING_MILLIS = 32_000;

  /** One served chain as {@code evertone tls check} reports it. */
  record TlsCertificate(String source, boolean ok, String report) {}

  /** The certificates served now, and the devices registered over TLS and WSS by trust profile. */
  record TlsStatus(List<TlsCertificate> certificates, Map<String, Integer> devicesByProfile) {}

  // request bodies: each names exactly the fields it takes (an unknown field is a 400)
  record NameBody(@Nullable String name) {}

  record UserBody(@Nullable String extension, @Nullable String displayName) {}

  record DisplayNameBody(@Nullable String displayName) {}

  record SecretBody(@Nullable String secret) {
    @Override
    public String toString() {
      return "SecretBody[(hidden)]";
    }
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

  /** Checks the token of a request to {@code /api/v1/*}; the OpenAPI document is public. */
  void authenticate(Context ctx) {
    if (ctx.path().equals(OPENAPI)) {
      return;
    }
    String header = ctx.header("Authorization");
    Optional<String> name = Optional.empty();
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      name = tokens.verify(header.substring(7).strip());
    }
    if (name.isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"evertone\"");
      throw new Unauthorized(
          header == null
              ? "this API needs 'Authorization: Bearer TOKEN'; create a token with 'evertone token create NAME'"
              : "the token is not valid (revoked, mistyped, or from another installation)");
    }
    ctx.attribute(ACTOR, new Actor("token:" + name.get(), ctx.ip()));
  }

  /** No valid token: 401. */
  static final class Unauthorized extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unauthorized(String message) {
      super(message);
    }
  }

  private ProvisioningService service(Context ctx) {
    Actor actor = ctx.attribute(ACTOR);
    return provisioning.as(actor);
  }

  List<Route> routes() {
    List<Route> all = new ArrayList<>(provisioningRoutes());
    all.addAll(statusApi.routes(ctx -> ctx.attribute(ACTOR)));
    return all;
  }

  private List<Route> provisioningRoutes() {
    String d = BASE + "/domains/{domain}";
    return List.of(
        new Route(HandlerType.GET, BASE + "/domains", ctx -> ctx.json(service(ctx).domains())),
        new Route(
            HandlerType.POST,
            BASE + "/domains",
            ctx ->
                created(
                    ctx,
                    service(ctx).addDomain(required(body(ctx, NameBody.class).name(), "name")))),
        new Route(
            HandlerType.DELETE,
            d,
            ctx -> {
              service(ctx).removeDomain(ctx.pathParam("domain"), flag(ctx, "with_devices"));
              ctx.status(204);
            }),
        new Route(
            HandlerType.GET,
            d + "/users",
            ctx -> ctx.json(service(ctx).users(ctx.pathParam("domain")))),
        new Route(
            HandlerType.POST,
            d + "/users",
            ctx -> {
              UserBody b = body(ctx, UserBody.class);
              created(
                  ctx,
                  service(ctx)
                      .addUser(
                          ctx.pathParam("domain"),
                          required(b.extension(), "extension"),
                          b.displayName()));
            }),
        new Route(
            HandlerType.PATCH,
            d + "/users/{extension}",
            ctx ->
                ctx.json(
                    service(ctx)
                        .updateUser(
                            ctx.pathParam("domain"),
                            ctx.pathParam("extension"),
                            body(ctx, DisplayNameBody.class).displayName()))),
        new Route(
            HandlerType.DELETE,
            d + "/users/{extension}",
            ctx -> {
              service(ctx).removeUser(ctx.pathParam("domain"), ctx.pathParam("extension"));
              ctx.status(204);
            }),
        new Route(
            HandlerType.GET,
            d + "/devices",
            ctx ->
                ctx.json(
                    service(ctx)
                        .devices(
                            ctx.pathParam("domain"),
                            ctx.queryParam("mac"),
                            ctx.queryParam("auth_user")))),
        new Route(
            HandlerType.POST,
            d + "/devices",
            ctx -> created(ctx, service(ctx).addDevice(newDevice(ctx)))),
        new Route(
            HandlerType.GET,
            d + "/devices/{id}",
            ctx -> ctx.json(service(ctx).device(ctx.pathParam("domain"), id(ctx)))),
        new Route(
            HandlerType.PATCH,
            d + "/devices/{id}",
            ctx ->
                ctx.json(
                    service(ctx)
                        .updateDevice(
                            ctx.pathParam("domain"), id(ctx), body(ctx, DeviceUpdate.class)))),
        new Route(
            HandlerType.DELETE,
            d + "/devices/{id}",
            ctx -> {
              service(ctx).removeDevice(ctx.pathParam("domain"), id(ctx));
              ctx.status(204);
            }),
        new Route(
            HandlerType.POST,
            d + "/devices/{id}/lines",
            ctx -> {
              NewLine line = body(ctx, NewLine.class);
              required(line.authUser(), "auth_user");
              created(ctx, service(ctx).addLine(ctx.pathParam("domain"), id(ctx), line));
            }),
        new Route(
            HandlerType.DELETE,
            d + "/lines/{auth_user}",
            ctx -> {
              service(ctx).removeLine(ctx.pathParam("domain"), ctx.pathParam("auth_user"));
              ctx.status(204);
            }),
        new Route(
            HandlerType.PUT,
            d + "/lines/{auth_user}/secret",
            ctx ->
                ctx.json(
                    service(ctx)
                        .setSecret(
                            ctx.pathParam("domain"),
                            ctx.pathParam("auth_user"),
                            body(ctx, SecretBody.class).secret()))),
        new Route(
            HandlerType.GET,
            d + "/lines/{auth_user}/history",
            ctx ->
                ctx.json(
                    service(ctx).history(ctx.pathParam("domain"), ctx.pathParam("auth_user")))),
        new Route(
            HandlerType.GET,
            d + "/registrations",
            ctx -> {
              String authUser = ctx.queryParam("auth_user");
              existing(ctx, authUser);
              ctx.json(
                  registrations.list(
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
                  registrations.ping(ctx.pathParam("domain"), ctx.pathParam("auth_user"), timeout));
            }),
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
            }),
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
            }),
        new Route(HandlerType.POST, BASE + "/imports", this::importFile),
        new Route(HandlerType.GET, BASE + "/export", this::export),
        new Route(
            HandlerType.POST,
            BASE + "/credentials/restore",
            ctx -> {
              RestoreRequest r = body(ctx, RestoreRequest.class);
              ctx.json(
                  service(ctx)
                      .restore(
                          new RestoreRequest(
                              r.at(),
                              r.batch(),
                              r.domain(),
                              r.lines(),
                              r.macs(),
                              r.dryRun(),
                              r.confirmLarge())));
            }),
        new Route(
            HandlerType.GET,
            BASE + "/audit",
            ctx -> ctx.json(service(ctx).audit(ctx.queryParam("batch"), since(ctx), limit(ctx)))),
        new Route(HandlerType.GET, BASE + "/tls", ctx -> ctx.json(tlsStatus())),
        new Route(
            HandlerType.POST,
            BASE + "/tls/reload",
            ctx -> {
              CertificateManager.Reload r = certificates().reload(flag(ctx, "force"));
              log.info("TLS reload by {}: {}", ctx.<Actor>attribute(ACTOR), r.outcome());
              ctx.json(r);
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

  private CertificateManager certificates() {
    if (certificates == null) {
      throw new ConflictException(
          "no certificate is configured: set tls.certificates and restart once; later changes need no restart");
    }
    return certificates;
  }

  private TlsStatus tlsStatus() {
    CertificateManager m = certificates();
    Map<String, Integer> devices = m.devicesByProfile();
    List<TlsCertificate> out = new ArrayList<>();
    for (ServedCertificate c : m.served()) {
      TlsCheck check =
          TlsCheck.of(
              c.source().toString(),
              c.chain(),
              Instant.now(),
              Certificates.dnsNames(c.leaf()),
              m.profiles().values(),
              devices);
      out.add(new TlsCertificate(c.source().toString(), check.ok(), check.render()));
    }
    return new TlsStatus(out, devices);
  }

  private void importFile(Context ctx) {
    String formatName = ctx.queryParam("format");
    Format format = null;
    if (formatName != null) {
      format = Format.fromName(formatName);
      if (format == null) {
        throw new ValidationException(
            "format", "'" + formatName + "' is not a template format; use csv or json");
      }
    } else if (ctx.contentType() != null) {
      String type = ctx.contentType().toLowerCase(Locale.ROOT);
      format =
          type.startsWith("text/csv")
              ? Format.CSV
              : type.startsWith("application/json") ? Format.JSON : null;
    }
    ImportOptions options =
        new ImportOptions(
            format,
            ctx.queryParam("file_name"),
            flag(ctx, "dry_run"),
            flag(ctx, "confirm_large"),
            flag(ctx, "create_domains"));
    ctx.json(service(ctx).importFile(ctx.bodyAsBytes(), options));
  }

  private void export(Context ctx) throws IOException {
    String formatName = ctx.queryParamAsClass("format", String.class).getOrDefault("csv");
    Format format = Format.fromName(formatName);
    if (format == null) {
      throw new ValidationException(
          "format", "'" + formatName + "' is not a template format; use csv or json");
    }
    String domain = ctx.queryParam("domain");
    ctx.contentType(format.mediaType() + "; charset=utf-8");
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\"evertone-devices." + format.name().toLowerCase(Locale.ROOT) + "\"");
    service(ctx).export(format, domain, ctx.outputStream());
  }

  private static NewDevice newDevice(Context ctx) {
    NewDevice b = body(ctx, NewDevice.class);
    String domain = ctx.pathParam("domain");
    if (b.domain() != null && !b.domain().equalsIgnoreCase(domain)) {
      throw new ValidationException(
          "domain",
          "the body names "
              + b.domain()
              + " but the path "
              + domain
              + "; leave it out of the body");
    }
    for (NewLine l : b.lines()) {
      required(l.authUser(), "lines.auth_user");
    }
    return new NewDevice(
        domain, b.extension(), b.displayName(), b.mac(), b.model(), b.description(), b.lines());
  }

  static void created(Context ctx, Object body) {
    ctx.status(201).json(body);
  }

  static <T> T body(Context ctx, Class<T> type) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw new IllegalArgumentException("this endpoint takes a JSON body");
    }
    T value;
    try {
      value = ApiJson.MAPPER.readValue(bytes, type);
    } catch (JsonProcessingException e) {
      throw new BadJson(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (value == null) {
      throw new IllegalArgumentException("this endpoint takes a JSON object, not null");
    }
    return value;
  }

  /** A body that is not JSON, or not of the endpoint's shape. */
  static final class BadJson extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadJson(JsonProcessingException cause) {
      super(cause.getOriginalMessage(), cause);
    }
  }

  static String required(@Nullable String value, String field) {
    if (value == null || value.isBlank()) {
      throw new ValidationException(field, "is required");
    }
    return value;
  }

  private static long id(Context ctx) {
    String id = ctx.pathParam("id");
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new ValidationException("id", "'" + id + "' is not a device id (a number)");
    }
  }

  static boolean flag(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return false;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new ValidationException(name, "'" + v + "' is not true or false");
    };
  }

  private static @Nullable Instant since(Context ctx) {
    String v = ctx.queryParam("since");
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new ValidationException("since", "'" + v + "' is not a time like 2026-11-23T09:00:00Z");
    }
  }

  private static int limit(Context ctx) {
    return (int)
        number(
            ctx,
            "limit",
            100,
            Integer.MIN_VALUE,
            Integer.MAX_VALUE); // the service says which limits it takes
  }

  static long number(Context ctx, String name, long fallback, long min, long max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ValidationException(name, "'" + v + "' is not a number");
    }
    if (n < min || n > max) {
      throw new ValidationException(name, "must be between " + min + " and " + max + ", not " + n);
    }
    return n;
  }

  /** The OpenAPI document, as shipped in the jar. */
  static byte[] openApiDocument() {
    try (InputStream in = AdminApi.class.getResourceAsStream("/api/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
