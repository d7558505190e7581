package dev.evertone.http;

import static dev.evertone.http.AdminApi.BASE;
import static dev.evertone.http.AdminApi.body;
import static dev.evertone.http.AdminApi.created;
import static dev.evertone.http.AdminApi.flag;
import static dev.evertone.http.AdminApi.id;
import static dev.evertone.http.AdminApi.limit;
import static dev.evertone.http.AdminApi.required;
import static dev.evertone.http.AdminApi.since;

import dev.evertone.http.AdminApi.Route;
import dev.evertone.provisioning.DeviceUpdate;
import dev.evertone.provisioning.ImportOptions;
import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.provisioning.RestoreRequest;
import dev.evertone.provisioning.template.Format;
import dev.evertone.store.ValidationException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The admin API's provisioning routes: domains, users, devices, lines and their secrets, imports,
 * exports, restores and the audit log, each as the request's actor.
 */
final class ProvisioningRoutes implements AdminApi.RouteGroup {
  private final AdminApi.Features features;

  ProvisioningRoutes(AdminApi.Features features) {
    this.features = features;
  }

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

  @Override
  public List<Route> routes() {
    List<Route> all = new ArrayList<>(domainRoutes());
    all.addAll(userRoutes());
    all.addAll(deviceRoutes());
    all.addAll(lineRoutes());
    all.addAll(fileRoutes());
    return all;
  }

  private ProvisioningService service(Context ctx) {
    return features.provisioning(ctx);
  }

  /** Domains: the tenants. */
  private List<Route> domainRoutes() {
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
            }));
  }

  /** Users: the extensions of a domain. */
  private List<Route> userRoutes() {
    String d = BASE + "/domains/{domain}";
    return List.of(
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
            }));
  }

  /** Devices and their first line. */
  private List<Route> deviceRoutes() {
    String d = BASE + "/domains/{domain}";
    return List.of(
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
            }));
  }

  /** Lines: more of them on a device, their secrets and the secrets' history. */
  private List<Route> lineRoutes() {
    String d = BASE + "/domains/{domain}";
    return List.of(
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
                    service(ctx).history(ctx.pathParam("domain"), ctx.pathParam("auth_user")))));
  }

  /** Imports, exports, restores from the credential history, and the audit log. */
  private List<Route> fileRoutes() {
    return List.of(
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
            ctx -> ctx.json(service(ctx).audit(ctx.queryParam("batch"), since(ctx), limit(ctx)))));
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
}
