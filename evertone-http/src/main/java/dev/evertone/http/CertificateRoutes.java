package dev.evertone.http;

import static dev.evertone.http.AdminApi.ACTOR;
import static dev.evertone.http.AdminApi.BASE;
import static dev.evertone.http.AdminApi.flag;

import dev.evertone.http.AdminApi.Route;
import dev.evertone.store.Actor;
import dev.evertone.tls.CertificateManager;
import dev.evertone.tls.Certificates;
import dev.evertone.tls.ServedCertificate;
import dev.evertone.tls.TlsCheck;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin API's certificate routes: what is served, and a reload of the files. */
final class CertificateRoutes implements AdminApi.RouteGroup {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class); // as before the split

  private final AdminApi.Features features;

  CertificateRoutes(AdminApi.Features features) {
    this.features = features;
  }

  /** One served chain as {@code evertone tls check} reports it. */
  record TlsCertificate(String source, boolean ok, String report) {}

  /** The certificates served now, and the devices registered over TLS and WSS by trust profile. */
  record TlsStatus(List<TlsCertificate> certificates, Map<String, Integer> devicesByProfile) {}

  private CertificateManager certificates() {
    return features.certificates();
  }

  /** The certificates served, and reloading them. */
  @Override
  public List<Route> routes() {
    return List.of(
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
}
