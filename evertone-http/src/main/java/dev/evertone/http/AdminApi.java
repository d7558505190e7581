package dev.evertone.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evertone.conference.Conferences;
import dev.evertone.park.Parking;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.recording.Recordings;
import dev.evertone.registrar.AuthGuard;
import dev.evertone.registrar.Registrations;
import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.admin.AdminTokenRepository;
import dev.evertone.store.calls.CallRecordRepository;
import dev.evertone.tls.CertificateManager;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The admin API, {@code /api/v1}: one route group per feature (provisioning, routing,
 * registrations, certificates, the status page), behind one token check. Every call but the OpenAPI
 * document needs {@code Authorization: Bearer <token>} with a token from {@code evertone token
 * create}; the token's name is the actor in the audit log. The routes are a table so that a test
 * can hold them against the OpenAPI document.
 */
final class AdminApi {
  static final String BASE = "/api/v1";
  static final String OPENAPI = BASE + "/openapi.json";
  static final String ACTOR = "evertone.actor";

  /** One route of the API. */
  record Route(HandlerType method, String path, Handler handler) {}

  /** The routes of one feature. */
  interface RouteGroup {
    List<Route> routes();
  }

  /** What the routes call, for one request. */
  interface Features {
    /** Provisioning as the request's actor. */
    ProvisioningService provisioning(Context ctx);

    Registrations registrations();

    /** The served certificates; a conflict when no certificate is configured. */
    CertificateManager certificates();

    /** The call records. */
    CallRecordRepository calls();

    /** The conference rooms; a conflict when conference.rooms is empty. */
    default Conferences conferences() {
      throw new ConflictException(
          "no conference rooms are configured: set conference.rooms (see docs/media.md)");
    }

    /** The recordings of anchored calls. */
    Recordings recordings();

    /** The park lots; a conflict when park.lots is empty. */
    default Parking parking() {
      throw new ConflictException("no park lots are configured: set park.lots (see docs/media.md)");
    }
  }

  /** The features of a running server. */
  static Features of(
      ProvisioningService provisioning,
      Registrations registrations,
      @Nullable CertificateManager certificates,
      CallRecordRepository calls,
      @Nullable Conferences conferences,
      Recordings recordings,
      @Nullable Parking parking) {
    return new Features() {
      @Override
      public Parking parking() {
        if (parking == null) {
          return Features.super.parking();
        }
        return parking;
      }

      @Override
      public Conferences conferences() {
        if (conferences == null) {
          return Features.super.conferences();
        }
        return conferences;
      }

      @Override
      public CallRecordRepository calls() {
        return calls;
      }

      @Override
      public Recordings recordings() {
        return recordings;
      }

      @Override
      public ProvisioningService provisioning(Context ctx) {
        return provisioning.as(actor(ctx));
      }

      @Override
      public Registrations registrations() {
        return registrations;
      }

      @Override
      public CertificateManager certificates() {
        if (certificates == null) {
          throw new ConflictException(
              "no certificate is configured: set tls.certificates and restart once; later changes need no restart");
        }
        return certificates;
      }
    };
  }

  /** Features for listing the routes only: a route that is called anyway fails. */
  static final Features LISTING_ONLY =
      new Features() {
        @Override
        public ProvisioningService provisioning(Context ctx) {
          throw new IllegalStateException("these routes are listed, not served");
        }

        @Override
        public Registrations registrations() {
          throw new IllegalStateException("these routes are listed, not served");
        }

        @Override
        public CertificateManager certificates() {
          throw new IllegalStateException("these routes are listed, not served");
        }

        @Override
        public CallRecordRepository calls() {
          throw new IllegalStateException("these routes are listed, not served");
        }

        @Override
        public Recordings recordings() {
          throw new IllegalStateException("these routes are listed, not served");
        }
      };

  private final AdminTokenRepository tokens;
  private final AuthGuard guard;
  private final List<Route> routes;

  AdminApi(AdminTokenRepository tokens, AuthGuard guard, Features features, StatusApi status) {
    this.tokens = tokens;
    this.guard = guard;
    this.routes = routes(features, status);
  }

  /** Every route, group by group. */
  static List<Route> routes(Features features, StatusApi status) {
    List<Route> all = new ArrayList<>();
    for (RouteGroup group :
        List.of(
            new ProvisioningRoutes(features),
            new RoutingRoutes(features),
            new RegistrationRoutes(features),
            new CertificateRoutes(features),
            new CallRoutes(features),
            new ConferenceRoutes(features),
            new RecordingRoutes(features),
            new ParkRoutes(features))) {
      all.addAll(group.routes());
    }
    all.addAll(status.routes(AdminApi::actor));
    return List.copyOf(all);
  }

  List<Route> routes() {
    return routes;
  }

  /** The actor of a request the token check let through. */
  static Actor actor(Context ctx) {
    Actor actor = ctx.attribute(ACTOR);
    if (actor == null) {
      throw new Unauthorized("this API needs 'Authorization: Bearer TOKEN'");
    }
    return actor;
  }

  /** Checks the token of a request to {@code /api/v1/*}; the OpenAPI document is public. */
  void authenticate(Context ctx) {
    if (ctx.path().equals(OPENAPI)) {
      return;
    }
    String header = ctx.header("Authorization");
    Optional<String> name = token(ctx);
    if (name.isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"evertone\"");
      throw new Unauthorized(
          header == null
              ? "this API needs 'Authorization: Bearer TOKEN'; create a token with 'evertone token create NAME'"
              : "the token is not valid (revoked, mistyped, or from another installation)");
    }
    ctx.attribute(ACTOR, new Actor("token:" + name.get(), ctx.ip()));
  }

  /**
   * The name of the valid admin token the request carries, if any. A wrong token is a failed
   * attempt of its source for the {@link AuthGuard}; a source blocked by it is refused ({@link
   * Blocked}) before its token is looked at.
   */
  Optional<String> token(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null) {
      return Optional.empty();
    }
    String ip = ctx.ip();
    if (guard.sourceBlocked(ip)) {
      throw new Blocked();
    }
    Optional<String> name = Optional.empty();
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      name = tokens.verify(header.substring(7).strip());
    }
    if (name.isEmpty()) {
      guard.failedWithoutAccount(
          "an admin API token", ip, ctx.req().getRemotePort(), ctx.scheme(), "invalid token");
    }
    return name;
  }

  /** A source blocked after too many failed attempts: 403. */
  static final class Blocked extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Blocked() {
      super("too many failed attempts from this address; wait and try again");
    }
  }

  /** No valid token: 401. */
  static final class Unauthorized extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unauthorized(String message) {
      super(message);
    }
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
      super(JsonProblem.of(cause).message(), cause);
    }
  }

  static String required(@Nullable String value, String field) {
    if (value == null || value.isBlank()) {
      throw new ValidationException(field, "is required");
    }
    return value;
  }

  static long id(Context ctx) {
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

  static @Nullable Instant since(Context ctx) {
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

  static int limit(Context ctx) {
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
