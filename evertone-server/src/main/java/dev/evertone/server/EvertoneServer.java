package dev.evertone.server;

import dev.evertone.registrar.AuthGuard;
import dev.evertone.registrar.ChangeWatcher;
import dev.evertone.registrar.CredentialCache;
import dev.evertone.proxy.CarrierRegistrations;
import dev.evertone.proxy.Cluster;
import dev.evertone.proxy.ExtensionDirectory;
import dev.evertone.proxy.FlowToken;
import dev.evertone.proxy.Proxy;
import dev.evertone.proxy.RoutingTable;
import dev.evertone.registrar.BindingJournal;
import dev.evertone.registrar.ContactPing;
import dev.evertone.registrar.DigestGate;
import dev.evertone.registrar.LocationService;
import dev.evertone.registrar.NatKeepAlive;
import dev.evertone.registrar.Registrar;
import dev.evertone.registrar.RegistrarConfig;
import dev.evertone.server.config.ServerConfig;
import dev.evertone.server.http.ApiJson;
import dev.evertone.server.http.HttpEndpoints;
import dev.evertone.server.http.IceServers;
import dev.evertone.server.sip.Registrations;
import dev.evertone.server.sip.SipCore;
import dev.evertone.sip.SipStack;
import dev.evertone.sip.auth.DigestAlgorithm;
import dev.evertone.sip.auth.DigestAuthenticator;
import dev.evertone.sip.auth.NonceService;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.transaction.TimerConfig;
import dev.evertone.sip.transport.ListenPoint;
import dev.evertone.sip.transport.TransportConfig;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.provisioning.GuardLimits;
import dev.evertone.provisioning.ProvisioningConfig;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.provisioning.template.TemplateLimits;
import dev.evertone.store.Actor;
import dev.evertone.store.Change;
import dev.evertone.store.provisioning.DomainSize;
import dev.evertone.store.routing.RoutingRepository;
import dev.evertone.store.Store;
import dev.evertone.store.jdbc.StoreConfig;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.stun.StunProbe;
import dev.evertone.stun.StunServer;
import dev.evertone.tls.CertificateManager;
import dev.evertone.tls.CertificateSource;
import dev.evertone.tls.TlsSettings;
import dev.evertone.tls.TrustProfile;
import dev.evertone.tls.TrustProfiles;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One evertone node: the store, the registrar and the SIP stack, the certificates of its TLS and WSS ports,
 * the maintenance tasks that keep them current (binding expiry, change log, limiter purge, certificate
 * files and expiry), and the metrics and health endpoints.
 */
public final class EvertoneServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EvertoneServer.class);

  private final Store store;
  private final PrometheusMeterRegistry meters;
  private final ExecutorService storeExecutor;
  private final ScheduledExecutorService maintenance;
  private final ScheduledExecutorService bindingWriter;
  private final @Nullable BindingJournal journal;
  private final Registrations registrations;
  private final LocationService location;
  private final SipStack sip;
  private final @Nullable HttpEndpoints http;
  private final ChangeWatcher watcher;
  private final List<ListenPoint> listen;
  private final @Nullable CertificateManager certificates;
  private final CarrierRegistrations carriers;
  private final @Nullable StunServer stun;
  private final @Nullable StunProbe probe;
  private final @Nullable StatusSetup status;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  @SuppressWarnings("checkstyle:ParameterNumber")
  private EvertoneServer(Store store, PrometheusMeterRegistry meters, ExecutorService storeExecutor, ScheduledExecutorService maintenance,
      ScheduledExecutorService bindingWriter, @Nullable BindingJournal journal, Registrations registrations, LocationService location,
      SipStack sip,
      @Nullable HttpEndpoints http, ChangeWatcher watcher, List<ListenPoint> listen, @Nullable CertificateManager certificates, CarrierRegistrations carriers, @Nullable StunServer stun, @Nullable StunProbe probe,
      @Nullable StatusSetup status) {
    this.store = store;
    this.meters = meters;
    this.storeExecutor = storeExecutor;
    this.maintenance = maintenance;
    this.bindingWriter = bindingWriter;
    this.journal = journal;
    this.registrations = registrations;
    this.location = location;
    this.sip = sip;
    this.http = http;
    this.watcher = watcher;
    this.listen = listen;
    this.certificates = certificates;
    this.carriers = carriers;
    this.stun = stun;
    this.probe = probe;
    this.status = status;
  }

  /** Opens the store, binds the sockets and starts serving. */
  public static EvertoneServer start(ServerConfig config, Clock clock) throws Exception {
    Store store = JdbcStore.open(storeConfig(config), clock);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(meters);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    ExecutorService storeExecutor = Executors.newFixedThreadPool(config.store().poolSize(), daemon("store-io"));
    ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(daemon("maintenance"));
    ScheduledExecutorService bindingWriter = Executors.newSingleThreadScheduledExecutor(daemon("binding-writer"));
    List<AutoCloseable> started = new ArrayList<>();
    try {
      List<DigestAlgorithm> algorithms = algorithms(config.auth().algorithms());
      RegistrarConfig registrarConfig = registrarConfig(config);
      LocationService location = new LocationService(clock, registrarConfig.maxExpires(), meters);
      CredentialCache cache = new CredentialCache(store.credentials(), storeExecutor, config.store().credentialCacheSize(), algorithms,
          config.auth().previousSecretGrace().toMillis(), meters);
      RoutingTable routing = new RoutingTable(store.routing(), meters);
      routing.reload();
      // trunks, numbers and forwarding follow every change, from this process or another node
      // the status page's registration monitor counts only served domains: it hears of new ones at once
      java.util.concurrent.atomic.AtomicReference<Runnable> domainsChanged = new java.util.concurrent.atomic.AtomicReference<>(() -> { });
      ChangeWatcher watcher = new ChangeWatcher(store.changes(), cache, change -> {
        if (RoutingRepository.CHANGE.equals(change.entity()) || Change.DOMAIN.equals(change.entity())) {
          routing.reload();
        }
        if (Change.DOMAIN.equals(change.entity())) {
          domainsChanged.get().run();
        }
      }).start(config.store().changePollInterval().toMillis());
      started.add(watcher);
      byte[] clusterSecret = nonceSecret(config.auth().nonceSecret());
      NonceService nonces = new NonceService(clusterSecret, config.auth().nonceLifetime().toMillis(), clock);
      AuthGuard guard = new AuthGuard(registrarConfig.perSource(), registrarConfig.perAccount());
      String name = config.sip().serverName();
      DigestGate gate = new DigestGate(cache, new DigestAuthenticator(nonces, algorithms, clock), guard, clock, name, meters);
      Registrar registrar = new Registrar(registrarConfig, location, gate, clock, name, meters);
      CertificateManager certificates = null;
      if (config.tls().certificates().isEmpty()) {
        if (config.sip().tlsPort() >= 0 || config.sip().wssPort() >= 0) {
          log.info("TLS and WSS are off: no certificate is configured (tls.certificates)");
        }
      } else {
        certificates = certificateManager(config, clock,
            () -> location.userAgents(EnumSet.of(TransportType.TLS, TransportType.WSS)), meters);
        started.add(certificates);
        log.info("TLS engine: {}", certificates.engine());
      }
      BindingJournal journal = null;
      if (!config.registrar().persistInterval().isZero()) {
        journal = new BindingJournal(location, store.bindings(), config.cluster().nodeId(), clock, meters);
        long start = System.nanoTime();
        int restored = journal.restore();
        log.info("registrations: {} restored from the store in {} ms; written behind every {}", restored,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), config.registrar().persistInterval());
      } else {
        log.info("registrations are kept in memory only (registrar.persist-interval 0s): a restart unregisters every device");
      }
      TransportConfig transport = transportConfig(config, certificates != null);
      SipCore core = new SipCore(registrar, name);
      SipStack sip = SipStack.start(transport, timerConfig(config), config.sip().limits().completedResponseMemory(),
          certificates == null ? null : certificates.mapping(), core, meters);
      started.add(sip);
      ExtensionDirectory extensions = new ExtensionDirectory(store.provisioning(), storeExecutor, Duration.ofSeconds(10),
          config.store().credentialCacheSize());
      // the socket of each transport, for the Via of requests to bindings that have no flow (read back after a restart)
      Function<TransportType, @Nullable InetSocketAddress> listenAddress = t -> sipAddress(transport.listen(), sip.boundAddresses(), t);
      Cluster cluster = cluster(config, transport.listen(), sip, store, storeExecutor, clock, meters);
      CarrierRegistrations carriers = new CarrierRegistrations(routing, sip.transactions(), listenAddress, clock, name, meters);
      core.proxy(new Proxy(location, extensions, routing, cluster, gate, sip.transactions(), listenAddress, new FlowToken(clusterSecret),
          timerC(config), name, meters));
      if (certificates != null) {
        CertificateManager c = certificates;
        long watch = config.tls().watchInterval().toMillis();
        if (watch > 0) {
          maintenance.scheduleWithFixedDelay(guarded("certificate file watch", c::reloadIfChanged), watch, watch, TimeUnit.MILLISECONDS);
        }
        maintenance.scheduleAtFixedRate(guarded("certificate expiry check", c::warnOfExpiry), 0, 1, TimeUnit.DAYS);
      }

      maintenance.scheduleAtFixedRate(guarded("binding expiry", location::expireDue), 1, 1, TimeUnit.SECONDS);
      maintenance.scheduleAtFixedRate(guarded("carrier registrations", carriers::tick), 1, 1, TimeUnit.SECONDS);
      if (cluster.enabled()) {
        long beat = config.cluster().heartbeatInterval().toMillis();
        maintenance.scheduleAtFixedRate(guarded("cluster heartbeat", cluster::heartbeat), beat, beat, TimeUnit.MILLISECONDS);
      }
      // carriers' host names are resolved again, and a missed change is caught up
      maintenance.scheduleWithFixedDelay(guarded("routing reload", routing::reload), 5, 5, TimeUnit.MINUTES);
      long keepalive = config.registrar().natKeepaliveInterval().toSeconds();
      if (keepalive > 0) {
        NatKeepAlive nat = new NatKeepAlive(location, (int) Math.min(keepalive, 3600), meters);
        maintenance.scheduleAtFixedRate(guarded("NAT keep-alives", nat::tick), 1, 1, TimeUnit.SECONDS);
      }
      if (journal != null) {
        BindingJournal j = journal;
        long every = config.registrar().persistInterval().toMillis();
        // its own thread: a slow database must not delay expiries or certificate checks
        bindingWriter.scheduleWithFixedDelay(guarded("registration writes", j::flush), every, every, TimeUnit.MILLISECONDS);
        bindingWriter.scheduleWithFixedDelay(guarded("expired registration purge", () -> store.bindings().purgeExpired(clock.millis())),
            10, 10, TimeUnit.MINUTES);
      }
      maintenance.scheduleAtFixedRate(guarded("limiter purge", () -> guard.purge(clock.millis())), 10, 10, TimeUnit.SECONDS);
      maintenance.scheduleAtFixedRate(guarded("change log pruning",
          () -> store.changes().prune(clock.millis() - TimeUnit.DAYS.toMillis(1))), 1, 60, TimeUnit.MINUTES);

      Registrations registrations = new Registrations(location,
          new ContactPing(location, sip.transactions(), listenAddress, name), clock);
      // the secret TURN credentials for browsers are signed with: the first configured, or one made now
      String turnSecret = StunSetup.turnSecret(config);
      StunServer stun = null;
      if (config.stun().port() >= 0) {
        stun = StunSetup.start(config, certificates, turnSecret, meters);
        started.add(stun);
      }
      StunProbe probe = StunSetup.probe(config, stun, turnSecret, clock, meters);
      if (probe != null) {
        started.add(probe);
        long every = config.stun().probeInterval().toMillis();
        maintenance.scheduleWithFixedDelay(guarded("STUN probes", probe::probeAll), 0, every, TimeUnit.MILLISECONDS);
      }
      StatusSetup status = null;
      if (config.status().enabled()) {
        status = StatusSetup.start(config, config.http().port(), store, registrar, certificates, probe, cluster, meters, clock);
        started.add(status);
        domainsChanged.set(status::domainsChanged);
      }
      HttpEndpoints http = null;
      if (config.http().port() >= 0) {
        ProvisioningService provisioning = new ProvisioningService(store, provisioningConfig(config), clock, new Actor("server", "local"));
        http = HttpEndpoints.start(config.http().host(), config.http().port(), meters,
            () -> health(location, probe),
            provisioning, store.tokens(), certificates, registrations,
            config.provisioning().importLimits().maxBytes(), stun == null ? null : new IceServers(store.credentials(),
                config.stun().publicHost().isBlank() ? null : config.stun().publicHost(), stun.udpAddress().getPort(),
                stun.tlsAddress() == null ? -1 : stun.tlsAddress().getPort(),
                config.stun().turn().enabled(), turnSecret, config.stun().turn().credentialTtl(),
                config.stun().extraIceServers(), clock), status == null ? null : status.service(), status == null ? null : status.page());
        started.add(http);
        log.info("metrics on http://{}:{}/metrics, health on /health, admin API on /api/v1", config.http().host(), http.address().getPort());
      }
      int devices = store.domains().sizes().values().stream().mapToInt(DomainSize::devices).sum();
      log.info("store: {} ({} domains, {} devices)", store.describe(), store.domains().list().size(), devices);
      if (config.auth().previousSecretGrace().toMillis() > 0) {
        log.info("grace window: a line's previous secret is accepted for {} after it changes", config.auth().previousSecretGrace());
      }
      log.info("digest algorithms offered: {}; realm = the domain of each device", config.auth().algorithms());
      return new EvertoneServer(store, meters, storeExecutor, maintenance, bindingWriter, journal, registrations, location, sip, http, watcher,
          transport.listen(), certificates, carriers, stun, probe, status);
    } catch (Exception | Error e) {
      maintenance.shutdownNow();
      bindingWriter.shutdownNow();
      storeExecutor.shutdownNow();
      for (AutoCloseable c : started) {
        c.close();
      }
      store.close();
      throw e;
    }
  }

  /** The provisioning settings of a configuration (shared by the server and the administration commands). */
  public static ProvisioningConfig provisioningConfig(ServerConfig config) {
    ServerConfig.Guard g = config.provisioning().guard();
    ServerConfig.Import i = config.provisioning().importLimits();
    return new ProvisioningConfig(new GuardLimits(g.percent(), g.devices(), g.smallChange()),
        new TemplateLimits(i.maxBytes(), i.maxRows(), i.maxErrors()));
  }

  /** The store settings of a configuration (shared by the server and the administration commands). */
  public static StoreConfig storeConfig(ServerConfig config) {
    ServerConfig.Store s = config.store();
    return new StoreConfig(s.url().isBlank() ? null : s.url(), config.dataDir(),
        s.secretKeyFile().isBlank() ? null : Path.of(s.secretKeyFile()), s.poolSize());
  }

  /** The certificate manager of a configuration (shared by the server and 'evertone tls check'). */
  public static CertificateManager certificateManager(ServerConfig config, Clock clock, CertificateManager.DeviceCensus census,
      io.micrometer.core.instrument.MeterRegistry meters) {
    ServerConfig.Tls t = config.tls();
    List<CertificateSource> sources = new ArrayList<>();
    for (String spec : t.certificates()) {
      sources.add(CertificateSource.parse(spec));
    }
    TlsSettings settings = new TlsSettings(t.protocols(), t.ciphers(), TlsSettings.ClientAuth.valueOf(t.clientAuth().toUpperCase(Locale.ROOT)),
        t.clientCaFile().isBlank() ? null : Path.of(t.clientCaFile()), TlsSettings.Engine.valueOf(t.engine().toUpperCase(Locale.ROOT)));
    return new CertificateManager(sources, settings, trustProfiles(config), t.defaultProfile(), t.expiryWarning(), clock, census, meters);
  }

  /** The device trust profiles: the built-in ones and those of tls.profiles-dir. */
  public static Map<String, TrustProfile> trustProfiles(ServerConfig config) {
    String dir = config.tls().profilesDir();
    return TrustProfiles.load(dir.isBlank() ? null : Path.of(dir));
  }

  private static TransportConfig transportConfig(ServerConfig config, boolean certificates) {
    ServerConfig.Sip s = config.sip();
    List<ListenPoint> listen = new ArrayList<>();
    if (s.udpPort() >= 0) {
      listen.add(new ListenPoint(TransportType.UDP, s.host(), s.udpPort()));
    }
    if (s.tcpPort() >= 0) {
      listen.add(new ListenPoint(TransportType.TCP, s.host(), s.tcpPort()));
    }
    if (s.tlsPort() >= 0 && certificates) {
      listen.add(new ListenPoint(TransportType.TLS, s.host(), s.tlsPort()));
    }
    if (s.wssPort() >= 0 && certificates) {
      listen.add(new ListenPoint(TransportType.WSS, s.host(), s.wssPort()));
    }
    if (s.wsPort() >= 0) {
      listen.add(new ListenPoint(TransportType.WS, s.host(), s.wsPort()));
    }
    ParseLimits limits;
    try {
      limits = new ParseLimits(s.limits().maxMessageBytes(), s.limits().maxHeaderBytes(), s.limits().maxHeaders());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sip.limits: " + e.getMessage(), e);
    }
    return new TransportConfig(listen, limits, s.effectiveIoThreads(), s.udpReceiveBuffer(), s.maxConnections(),
        Math.max(1, s.connectionIdleTimeout().toSeconds()), s.serverName());
  }

  private static TimerConfig timerConfig(ServerConfig config) {
    ServerConfig.Timers t = config.sip().timers();
    try {
      return new TimerConfig(t.t1().toMillis(), t.t2().toMillis(), t.t4().toMillis());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sip.timers: " + e.getMessage(), e);
    }
  }

  private static long timerC(ServerConfig config) {
    long c = config.sip().timers().c().toMillis();
    if (c < 180_000) {
      throw new IllegalArgumentException("sip.timers.c must be at least 3m (RFC 3261 16.6 step 11), not " + config.sip().timers().c());
    }
    return c;
  }

  private static RegistrarConfig registrarConfig(ServerConfig config) {
    ServerConfig.Registrar r = config.registrar();
    ServerConfig.Auth a = config.auth();
    try {
      return new RegistrarConfig(r.minExpires().toSeconds(), r.maxExpires().toSeconds(), r.defaultExpires().toSeconds(),
          r.maxContactsPerAor(), limits(a.failuresPerSource()), limits(a.failuresPerAccount()), r.expiresRange());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("registrar/auth: " + e.getMessage(), e);
    }
  }

  private static RegistrarConfig.FailureLimits limits(ServerConfig.FailureLimit l) {
    return new RegistrarConfig.FailureLimits(l.limit(), Math.max(1, l.window().toSeconds()), l.block().toSeconds());
  }

  static List<DigestAlgorithm> algorithms(List<String> names) {
    List<DigestAlgorithm> out = new ArrayList<>();
    for (String n : names) {
      DigestAlgorithm a = DigestAlgorithm.fromToken(n);
      if (a == null) {
        throw new IllegalArgumentException("auth.algorithms: unknown digest algorithm '" + n + "'; use SHA-256, MD5 or SHA-512-256");
      }
      out.add(a);
    }
    return out;
  }

  private static byte[] nonceSecret(String configured) {
    if (configured.isBlank()) {
      return NonceService.randomSecret();
    }
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(configured.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("auth.nonce-secret must be base64");
    }
    if (secret.length < 16) {
      throw new IllegalArgumentException("auth.nonce-secret must decode to at least 16 bytes");
    }
    return secret;
  }

  /**
   * This node's place in a cluster: off without cluster.node-id; otherwise its UDP address as the others
   * reach it (cluster.address, or sip.host and the UDP port bound), announced once before serving.
   */
  private static Cluster cluster(ServerConfig config, List<ListenPoint> listen, SipStack sip, Store store, ExecutorService storeExecutor, Clock clock,
      PrometheusMeterRegistry meters) {
    ServerConfig.Cluster c = config.cluster();
    if (c.nodeId().isEmpty()) {
      return new Cluster("", null, null, storeExecutor, clock, c.heartbeatInterval().toMillis(), meters);
    }
    InetSocketAddress self;
    if (!c.address().isBlank()) {
      int colon = c.address().lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("cluster.address must be host:port, e.g. 10.0.0.5:5060");
      }
      self = new InetSocketAddress(c.address().substring(0, colon).replace("[", "").replace("]", ""),
          Integer.parseInt(c.address().substring(colon + 1)));
    } else {
      InetSocketAddress udp = sipAddress(listen, sip.boundAddresses(), TransportType.UDP);
      if (udp == null || udp.getAddress().isAnyLocalAddress()) {
        throw new IllegalArgumentException("cluster.address is needed: sip.host is " + config.sip().host()
            + " (every address) and the UDP socket is the one the other nodes send to; set it to this node's host:port");
      }
      self = udp;
    }
    Cluster cluster = new Cluster(c.nodeId(), self, store.bindings(), storeExecutor, clock, c.heartbeatInterval().toMillis(), meters);
    cluster.heartbeat();
    log.info("cluster node {} at {}: other nodes' devices are reached through them", c.nodeId(), self);
    return cluster;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("{} failed", what, e);
      }
    };
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The bound SIP sockets (UDP first if enabled). */
  public List<InetSocketAddress> sipAddresses() {
    return sip.boundAddresses();
  }

  /** The bound socket of a transport, or null when it is off. */
  public @Nullable InetSocketAddress sipAddress(TransportType transport) {
    return sipAddress(listen, sip.boundAddresses(), transport);
  }

  private static @Nullable InetSocketAddress sipAddress(List<ListenPoint> listen, List<InetSocketAddress> bound, TransportType transport) {
    for (int i = 0; i < listen.size(); i++) {
      if (listen.get(i).transport() == transport) {
        return bound.get(i);
      }
    }
    return null;
  }

  /** What /health says: up, the registrations held, and the last probe of each STUN server. */
  private static String health(LocationService location, @Nullable StunProbe probe) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("status", "up");
    h.put("bindings", location.size());
    h.put("aors", location.aorCount());
    if (probe != null) {
      List<Map<String, Object>> probes = new ArrayList<>();
      for (StunProbe.Result r : probe.results()) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server", r.server());
        p.put("ok", r.ok());
        p.put("mapped", r.mapped());
        p.put("expected", r.expected());
        p.put("latency_ms", r.latencyMicros() / 1000.0);
        p.put("problem", r.problem());
        p.put("at", r.at().toString());
        probes.add(p);
      }
      h.put("stun_probes", probes);
    }
    try {
      return ApiJson.MAPPER.writeValueAsString(h) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The STUN server, or null when stun.port is -1. */
  public @Nullable StunServer stun() {
    return stun;
  }

  /** The certificates served on TLS and WSS, or null when none is configured. */
  /** The status page, or null when status.enabled is false. */
  public @Nullable StatusSetup status() {
    return status;
  }

  public @Nullable CertificateManager certificates() {
    return certificates;
  }

  public @Nullable InetSocketAddress httpAddress() {
    return http == null ? null : http.address();
  }

  public LocationService location() {
    return location;
  }

  /** Who is registered, and whether they answer (what the admin API's registration routes use). */
  public Registrations registrations() {
    return registrations;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  public Store store() {
    return store;
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
    watcher.close();
    if (status != null) {
      status.close();
    }
    maintenance.shutdownNow();
    // answers to requests whose credentials are being loaded go out before the sockets close
    storeExecutor.shutdown();
    try {
      storeExecutor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (carriers.close() > 0) {
      sleepQuietly(200); // the unregistrations leave before the sockets close
    }
    sip.close();
    if (stun != null) {
      stun.close();
    }
    if (probe != null) {
      probe.close();
    }
    if (certificates != null) {
      certificates.close();
    }
    // the last registrations reach the store before it closes: the next start has them all
    bindingWriter.shutdown();
    try {
      bindingWriter.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (journal != null) {
      journal.flush();
    }
    store.close();
    meters.close();
    log.info("stopped");
  }
}
