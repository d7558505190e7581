package dev.evertone.server;

import dev.evertone.config.ServerConfig;
import dev.evertone.config.Settings;
import dev.evertone.proxy.Cluster;
import dev.evertone.registrar.Registrar;
import dev.evertone.status.AutoIncidents;
import dev.evertone.status.ConditionMonitor;
import dev.evertone.status.Monitor;
import dev.evertone.status.Notifier;
import dev.evertone.status.RatioMonitor;
import dev.evertone.status.RegistrationMonitor;
import dev.evertone.status.StatusConfig;
import dev.evertone.status.StatusPage;
import dev.evertone.status.StatusService;
import dev.evertone.store.Actor;
import dev.evertone.store.Change;
import dev.evertone.store.Store;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.stun.StunProbe;
import dev.evertone.tls.CertificateManager;
import dev.evertone.tls.Certificates;
import dev.evertone.tls.ServedCertificate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page of {@code evertone serve}: its service, the notifier that delivers to
 * subscribers, and the monitors fed by this node's own measurements (registrations, certificates,
 * TLS handshakes, STUN probes, cluster nodes, imports).
 */
public final class StatusSetup implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusSetup.class);
  private static final Actor SERVER = new Actor("server", "local");

  private final StatusService service;
  private final StatusPage page;
  private final Notifier notifier;
  private final AutoIncidents auto;
  private final RegistrationMonitor registrations;

  private StatusSetup(
      StatusService service,
      StatusPage page,
      Notifier notifier,
      AutoIncidents auto,
      RegistrationMonitor registrations) {
    this.service = service;
    this.page = page;
    this.notifier = notifier;
    this.auto = auto;
    this.registrations = registrations;
  }

  /** Starts the status page of a node; the monitors read what the node's parts measure. */
  static StatusSetup start(
      Node node,
      Registrar registrar,
      @Nullable CertificateManager certificates,
      @Nullable StunProbe probe,
      Cluster cluster) {
    ServerConfig config = node.config;
    StatusConfig statusConfig = Settings.status(config, config.http().port());
    StatusService service = new StatusService(node.store.status(), statusConfig, node.clock);
    service.ensureDefaults(SERVER);
    DomainNames domains = new DomainNames(node.store);
    // the registration monitor counts only served domains: it hears of new ones at once, from any
    // node (listening first, then reading: a domain added in between is read again)
    node.changes.listen(
        change -> {
          if (Change.DOMAIN.equals(change.entity())) {
            domains.read();
          }
        });
    domains.read();
    RegistrationMonitor registrations =
        registrationMonitor(
            config.status().monitors().registration(), registrar, domains, node.clock);
    List<Monitor> monitors = new ArrayList<>();
    monitors.add(registrations);
    monitors.addAll(otherMonitors(node, certificates, probe, cluster));
    // delivered at once when this node queues something; every 5 s for retries and what other nodes
    // queued
    Notifier notifier =
        new Notifier(node.store.status(), statusConfig, node.clock).start(Duration.ofSeconds(5));
    service.onQueued(notifier::wake);
    AutoIncidents auto =
        new AutoIncidents(service, monitors, node.clock, config.cluster().nodeId())
            .start(config.status().interval());
    log.info(
        "status page on {}; monitors: {}; subscribers by webhook{}",
        statusConfig.publicUrl(),
        monitors.stream().map(Monitor::name).collect(Collectors.joining(", ")),
        statusConfig.mail() == null
            ? " (no SMTP relay: no mail)"
            : " and mail via " + statusConfig.mail());
    return new StatusSetup(
        service,
        new StatusPage(service, node.clock, notConfigured(config, certificates)),
        notifier,
        auto,
        registrations);
  }

  /**
   * The components this node does not offer, so that the page does not call them operational: the
   * webphone without a WebSocket listener (WS off, and WSS off or without certificates), STUN/TURN
   * when its port is off.
   */
  private static Set<String> notConfigured(
      ServerConfig config, @Nullable CertificateManager certificates) {
    Set<String> off = new HashSet<>();
    boolean ws = config.sip().wsPort() >= 0;
    boolean wss = config.sip().wssPort() >= 0 && certificates != null;
    if (!ws && !wss) {
      off.add("webphone");
    }
    if (config.stun().port() < 0) {
      off.add("stun-turn");
    }
    return off;
  }

  /** Registrations of the served domains, as the registrar decides them. */
  private static RegistrationMonitor registrationMonitor(
      ServerConfig.RegistrationMonitor r, Registrar registrar, DomainNames domains, Clock clock) {
    RegistrationMonitor registrations =
        new RegistrationMonitor(
            new RegistrationMonitor.Settings(
                r.objective(),
                r.burnRate(),
                r.shortWindow(),
                r.longWindow(),
                r.minRequests(),
                r.recentSuccess()),
            domains::served);
    registrar.onOutcome(
        (outcome, account, domain) -> {
          if (domain == null) {
            return;
          }
          // a challenge, a stale nonce or a malformed request is neither: only a verdict on a
          // device's credentials or our failure counts
          switch (outcome) {
            case REGISTERED -> {
              if (account != null) {
                registrations.registered(account, domain, clock.instant());
              }
            }
            case AUTH_FAILED -> {
              if (account != null) {
                registrations.refused(account, domain, clock.instant());
              }
            }
            case ERROR -> registrations.failed(domain, clock.instant());
            default -> {}
          }
        });
    return registrations;
  }

  /** The monitors of certificates, TLS handshakes, STUN probes, cluster nodes and imports. */
  private static List<Monitor> otherMonitors(
      Node node,
      @Nullable CertificateManager certificates,
      @Nullable StunProbe probe,
      Cluster cluster) {
    ServerConfig.Monitors m = node.config.status().monitors();
    List<Monitor> monitors = new ArrayList<>();
    if (certificates != null && !m.certificateExpiry().isZero()) {
      monitors.add(certificateExpiry(certificates, m.certificateExpiry()));
    }
    if (certificates != null) {
      monitors.add(tlsHandshakes(m.tlsHandshakes(), node.meters));
    }
    if (probe != null && m.stunProbe()) {
      monitors.add(stunProbe(probe));
    }
    if (cluster.enabled() && m.clusterNodes()) {
      monitors.add(clusterNodes(cluster));
    }
    if (!m.imports().isZero()) {
      monitors.add(
          imports(
              node.store,
              new ImportWatch(
                  "import-refused",
                  "A large import was refused",
                  Impact.NONE,
                  ComponentStatus.OPERATIONAL,
                  "import.refused",
                  "the blast-radius guard refused an import"),
              m.imports()));
      monitors.add(
          imports(
              node.store,
              new ImportWatch(
                  "import-large",
                  "A large import was applied",
                  Impact.MINOR,
                  ComponentStatus.DEGRADED_PERFORMANCE,
                  "import.large",
                  "a large import was confirmed and applied"),
              m.imports()));
    }
    return monitors;
  }

  private static Monitor tlsHandshakes(ServerConfig.TlsHandshakeMonitor t, MeterRegistry meters) {
    RatioMonitor ratio =
        new RatioMonitor(
            "TLS handshakes",
            () -> count(meters, "ok"),
            () -> count(meters, "failed"),
            t.window(),
            t.maxFailureRatio(),
            t.minHandshakes());
    return new ConditionMonitor(
        "tls-handshakes",
        "TLS connections failing",
        Map.of(
            "sip-registration",
            ComponentStatus.DEGRADED_PERFORMANCE,
            "webphone",
            ComponentStatus.DEGRADED_PERFORMANCE),
        Impact.MINOR,
        true,
        ratio::read);
  }

  private static Monitor clusterNodes(Cluster cluster) {
    return new ConditionMonitor(
        "cluster-nodes",
        "A cluster node is down",
        Map.of("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE),
        Impact.MINOR,
        false,
        now -> {
          Set<String> down = cluster.downNodes();
          return down.isEmpty()
              ? Monitor.Reading.ok("every node answers")
              : Monitor.Reading.failing(
                  "node "
                      + String.join(", ", down.stream().sorted().toList())
                      + " stopped answering; its devices register again on the other nodes");
        });
  }

  private static long count(MeterRegistry meters, String outcome) {
    Counter c = meters.find("evertone.sip.tls.handshakes").tag("outcome", outcome).counter();
    return c == null ? 0 : (long) c.count();
  }

  private static Monitor certificateExpiry(CertificateManager certificates, Duration horizon) {
    return new ConditionMonitor(
        "certificate-expiry",
        "A TLS certificate expires soon",
        Map.of(
            "sip-registration",
            ComponentStatus.OPERATIONAL,
            "webphone",
            ComponentStatus.OPERATIONAL),
        Impact.NONE,
        true,
        now -> {
          List<String> soon = new ArrayList<>();
          for (ServedCertificate c : certificates.served()) {
            if (c.expires().isBefore(now.plus(horizon))) {
              soon.add(
                  "'"
                      + Certificates.name(c.leaf())
                      + "' ("
                      + c.source()
                      + ") expires "
                      + c.expires());
            }
          }
          return soon.isEmpty()
              ? Monitor.Reading.ok(
                  "no served certificate expires within " + horizon.toDays() + " days")
              : Monitor.Reading.failing(
                  String.join("; ", soon)
                      + ", within "
                      + horizon.toDays()
                      + " days; phones refuse an expired "
                      + "certificate, so it is renewed before then (evertone picks up new files without a restart)");
        });
  }

  private static Monitor stunProbe(StunProbe probe) {
    return new ConditionMonitor(
        "stun-probe",
        "STUN/TURN probe failing",
        Map.of(
            "stun-turn",
            ComponentStatus.PARTIAL_OUTAGE,
            "webphone",
            ComponentStatus.DEGRADED_PERFORMANCE),
        Impact.MAJOR,
        true,
        now -> {
          List<String> failing = new ArrayList<>();
          for (StunProbe.Result r : probe.results()) {
            if (!r.ok()) {
              failing.add(r.server() + ": " + r.problem());
            }
          }
          return failing.isEmpty()
              ? Monitor.Reading.ok("every STUN/TURN server answers as expected")
              : Monitor.Reading.failing("the probe of " + String.join("; ", failing));
        });
  }

  /**
   * An import that the audit log records, shown as an incident for a while.
   *
   * @param action the audit action that marks it
   * @param what how the incident's update describes it
   */
  private record ImportWatch(
      String name,
      String title,
      Impact impact,
      ComponentStatus status,
      String action,
      String what) {}

  private static Monitor imports(Store store, ImportWatch watch, Duration hold) {
    return new ConditionMonitor(
        watch.name(),
        watch.title(),
        Map.of("provisioning", watch.status()),
        watch.impact(),
        false,
        now -> {
          List<AuditEvent> events =
              store.audit().list(null, now.minus(hold), 1000).stream()
                  .filter(e -> e.action().equals(watch.action()))
                  .toList();
          if (events.isEmpty()) {
            return Monitor.Reading.ok(
                "no such import in the last " + hold.toMinutes() + " minutes");
          }
          AuditEvent e = events.get(0);
          return Monitor.Reading.failing(
              watch.what()
                  + " ("
                  + e.target()
                  + " by "
                  + e.actor()
                  + " at "
                  + e.at()
                  + ": "
                  + e.detail()
                  + ")");
        });
  }

  public StatusService service() {
    return service;
  }

  public StatusPage page() {
    return page;
  }

  public RegistrationMonitor registrations() {
    return registrations;
  }

  @Override
  public void close() {
    auto.close();
    notifier.close();
  }

  /**
   * The domains this platform serves: read at start, and again when the change feed says domains
   * changed (from any node), as every cache here follows it; a REGISTER never waits for the store.
   */
  private static final class DomainNames {
    private final Store store;
    private volatile Set<String> names = Set.of();

    DomainNames(Store store) {
      this.store = store;
    }

    boolean served(String domain) {
      return names.contains(domain);
    }

    void read() {
      try {
        names =
            store.domains().list().stream()
                .map(d -> d.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
      } catch (RuntimeException e) {
        log.warn(
            "the status page cannot read the domains; registrations are counted against the last known list: {}",
            e.getMessage());
      }
    }
  }
}
