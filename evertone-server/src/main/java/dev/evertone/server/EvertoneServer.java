package dev.evertone.server;

import dev.evertone.config.ServerConfig;
import dev.evertone.http.HttpEndpoints;
import dev.evertone.proxy.MediaAnchor;
import dev.evertone.registrar.LocationService;
import dev.evertone.registrar.Registrations;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.Store;
import dev.evertone.store.provisioning.DomainSize;
import dev.evertone.stun.StunServer;
import dev.evertone.tls.CertificateManager;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One evertone node, assembled feature by feature on what they share ({@link Node}): registration,
 * certificates, SIP, STUN/TURN, the status page and the HTTP port. Each feature's setup says what
 * it starts; this class only orders them, and stops them in the reverse order.
 */
public final class EvertoneServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EvertoneServer.class);

  private final Node node;
  private final RegistrarSetup registration;
  private final @Nullable CertificateManager certificates;
  private final SipSetup sip;
  private final StunSetup.Running stun;
  private final @Nullable StatusSetup status;
  private final @Nullable HttpEndpoints http;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EvertoneServer(
      Node node,
      RegistrarSetup registration,
      @Nullable CertificateManager certificates,
      SipSetup sip,
      StunSetup.Running stun,
      @Nullable StatusSetup status,
      @Nullable HttpEndpoints http) {
    this.node = node;
    this.registration = registration;
    this.certificates = certificates;
    this.sip = sip;
    this.stun = stun;
    this.status = status;
    this.http = http;
  }

  /** Opens the store, binds the sockets and starts serving. */
  public static EvertoneServer start(ServerConfig config, Clock clock) throws Exception {
    Node node = Node.open(config, clock);
    // what has started, closed in reverse order if a later part cannot start: the order of close()
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      RegistrarSetup registration = RegistrarSetup.start(node);
      started.push(registration);
      // cached credentials follow every change from here on, before any device is served
      node.serve();
      CertificateManager certificates = TlsSetup.start(node, registration.location);
      if (certificates != null) {
        started.push(certificates);
      }
      StunSetup.Running stun = StunSetup.start(node, certificates);
      started.push(stun);
      SipSetup sip = SipSetup.start(node, registration, certificates);
      started.push(sip);
      StatusSetup status = null;
      if (config.status().enabled()) {
        status =
            StatusSetup.start(
                node, registration.registrar, certificates, stun.probe(), sip.cluster);
        started.push(status);
      }
      HttpEndpoints http = HttpSetup.start(node, registration, sip, certificates, stun, status);
      if (http != null) {
        started.push(http);
      }
      logReady(node);
      return new EvertoneServer(node, registration, certificates, sip, stun, status, http);
    } catch (Exception | Error e) {
      node.quiesce();
      while (!started.isEmpty()) {
        started.pop().close();
      }
      node.close();
      throw e;
    }
  }

  private static void logReady(Node node) {
    int devices =
        node.store.domains().sizes().values().stream().mapToInt(DomainSize::devices).sum();
    log.info(
        "store: {} ({} domains, {} devices)",
        node.store.describe(),
        node.store.domains().list().size(),
        devices);
    ServerConfig.Auth auth = node.config.auth();
    if (auth.previousSecretGrace().toMillis() > 0) {
      log.info(
          "grace window: a line's previous secret is accepted for {} after it changes",
          auth.previousSecretGrace());
    }
    log.info("digest algorithms offered: {}; realm = the domain of each device", auth.algorithms());
  }

  /** The bound SIP sockets (UDP first if enabled). */
  public List<InetSocketAddress> sipAddresses() {
    return sip.stack.boundAddresses();
  }

  /** The bound socket of a transport, or null when it is off. */
  public @Nullable InetSocketAddress sipAddress(TransportType transport) {
    return sip.address(transport);
  }

  /** The STUN server, or null when stun.port is -1. */
  public @Nullable StunServer stun() {
    return stun.server();
  }

  /** The status page, or null when status.enabled is false. */
  public @Nullable StatusSetup status() {
    return status;
  }

  /** The certificates served on TLS and WSS, or null when none is configured. */
  public @Nullable CertificateManager certificates() {
    return certificates;
  }

  public @Nullable InetSocketAddress httpAddress() {
    return http == null ? null : http.address();
  }

  public LocationService location() {
    return registration.location;
  }

  /** Whether calls' audio passes through this node's relay, and what the relay saw of each. */
  public MediaAnchor media() {
    return sip.media;
  }

  /** The park lots, or null when park.lots is empty. */
  public dev.evertone.park.@Nullable Parking parking() {
    return sip.parking;
  }

  /** The conference rooms, or null when conference.rooms is empty. */
  public dev.evertone.conference.@Nullable Conferences conferences() {
    return sip.conferences;
  }

  /** The recordings of anchored calls. */
  public dev.evertone.recording.Recordings recordings() {
    return sip.recordings;
  }

  /** Who is registered, and whether they answer (what the admin API's registration routes use). */
  public Registrations registrations() {
    return sip.registrations;
  }

  public PrometheusMeterRegistry meters() {
    return node.meters;
  }

  public Store store() {
    return node.store;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // closing twice (a test, a shutdown hook after an explicit stop) is harmless
    }
    log.info("stopping");
    if (http != null) {
      http.close();
    }
    if (status != null) {
      status.close();
    }
    node.quiesce();
    sip.close();
    stun.close();
    if (certificates != null) {
      certificates.close();
    }
    registration.close();
    node.close();
    log.info("stopped");
  }
}
