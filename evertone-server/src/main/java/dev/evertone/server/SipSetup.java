package dev.evertone.server;

import dev.evertone.conference.ConferenceSettings;
import dev.evertone.conference.Conferences;
import dev.evertone.conference.RoomSpec;
import dev.evertone.config.ConfigException;
import dev.evertone.config.ServerConfig;
import dev.evertone.config.Settings;
import dev.evertone.dispatch.SipDispatcher;
import dev.evertone.media.MediaRelay;
import dev.evertone.media.audio.AudioClip;
import dev.evertone.park.LotSpec;
import dev.evertone.park.ParkSettings;
import dev.evertone.park.Parking;
import dev.evertone.proxy.CallRecords;
import dev.evertone.proxy.CarrierRegistrations;
import dev.evertone.proxy.Cluster;
import dev.evertone.proxy.ExtensionDirectory;
import dev.evertone.proxy.FlowToken;
import dev.evertone.proxy.LocalNumbers;
import dev.evertone.proxy.MediaAnchor;
import dev.evertone.proxy.Proxy;
import dev.evertone.proxy.ProxyServices;
import dev.evertone.proxy.ProxySettings;
import dev.evertone.proxy.RoutingTable;
import dev.evertone.recording.RecordingConfig;
import dev.evertone.recording.RecordingPolicy;
import dev.evertone.recording.Recordings;
import dev.evertone.registrar.ContactPing;
import dev.evertone.registrar.NatKeepAlive;
import dev.evertone.registrar.Registrations;
import dev.evertone.sip.SipStack;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.transaction.TimerConfig;
import dev.evertone.sip.transport.ListenPoint;
import dev.evertone.sip.transport.StreamLimits;
import dev.evertone.sip.transport.TransportConfig;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.Change;
import dev.evertone.store.routing.RoutingRepository;
import dev.evertone.tls.CertificateManager;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP: the sockets of every transport, the dispatcher that hands each request to the registrar or
 * the proxy, the proxy with its routing (trunks, numbers, forwarding rules that follow every
 * change), this node's place in a cluster, the registrations with carriers, and keep-alives to
 * devices behind NAT.
 */
final class SipSetup implements AutoCloseable {
  // the node's start-up lines under one name, as operators know them
  private static final Logger log = LoggerFactory.getLogger(EvertoneServer.class);

  final SipStack stack;
  final Cluster cluster;

  /** Who is registered, and whether they answer (the admin API's and the CLI's view). */
  final Registrations registrations;

  /** Whether calls' audio passes through evertone's relay, and the relay. */
  final MediaAnchor media;

  /** The conference rooms, or null when conference.rooms is empty. */
  final @Nullable Conferences conferences;

  /** The recordings of anchored calls. */
  final Recordings recordings;

  /** The park lots, or null when park.lots is empty. */
  final @Nullable Parking parking;

  private final CarrierRegistrations carriers;

  private SipSetup(
      SipStack stack,
      Cluster cluster,
      Registrations registrations,
      CarrierRegistrations carriers,
      MediaAnchor media,
      Features features,
      Recordings recordings) {
    this.conferences = features.conferences();
    this.parking = features.parking();
    this.stack = stack;
    this.cluster = cluster;
    this.registrations = registrations;
    this.carriers = carriers;
    this.media = media;
    this.recordings = recordings;
  }

  /** What the proxy consults, made before the SIP stack. */
  private static ProxyServices proxyServices(
      Node node,
      RegistrarSetup registration,
      RoutingTable routing,
      Cluster cluster,
      MediaAnchor media,
      CallRecords records) {
    ServerConfig config = node.config;
    return new ProxyServices(
        registration.location,
        new ExtensionDirectory(
            node.store.provisioning(),
            node.storeExecutor,
            config.proxy().extensionCacheTtl(),
            config.store().credentialCacheSize()),
        routing,
        cluster,
        registration.gate,
        new FlowToken(registration.clusterSecret),
        node.meters,
        media,
        records);
  }

  static SipSetup start(
      Node node, RegistrarSetup registration, @Nullable CertificateManager certificates)
      throws InterruptedException {
    ServerConfig config = node.config;
    String name = config.sip().serverName();
    RoutingTable routing = routing(node);
    Cluster cluster =
        new Cluster(
            config.cluster().nodeId(),
            config.cluster().nodeId().isEmpty() ? null : node.store.bindings(),
            node.storeExecutor,
            node.clock,
            config.cluster().heartbeatInterval().toMillis(),
            node.meters);
    MediaAnchor media = media(config, node);
    CallRecords records = callRecords(node, media);
    Features features = features(config, node);
    LocalNumbers numbers = features.numbers();
    Recordings recordings = recordings(node, media, records);
    ProxyServices proxyServices =
        proxyServices(node, registration, routing, cluster, media, records);
    ProxySettings proxySettings = new ProxySettings(timerC(config), name);
    // the other nodes are known before the first request arrives; this one announces itself once
    // its socket is bound
    cluster.heartbeat();
    SipStack stack =
        SipStack.start(
            transportConfig(config, certificates != null),
            timerConfig(config),
            config.sip().limits().completedResponseMemory(),
            certificates == null ? null : certificates.mapping(),
            (transactions, sockets) ->
                new SipDispatcher(
                    registration.registrar,
                    new Proxy(proxyServices, proxySettings, transactions, sockets, numbers),
                    name),
            node.meters);
    try {
      join(node, cluster, stack);
      CarrierRegistrations carriers =
          new CarrierRegistrations(
              routing,
              stack.transactions(),
              stack.sockets(),
              node.clock,
              name,
              config.proxy().carrierRegistrationRetry(),
              node.meters);
      node.every(
          "carrier registrations", Duration.ofSeconds(1), Duration.ofSeconds(1), carriers::tick);
      long keepalive = config.registrar().natKeepaliveInterval().toSeconds();
      if (keepalive > 0) {
        NatKeepAlive nat =
            new NatKeepAlive(registration.location, (int) Math.min(keepalive, 3600), node.meters);
        node.every("NAT keep-alives", Duration.ofSeconds(1), Duration.ofSeconds(1), nat::tick);
      }
      Registrations registrations =
          new Registrations(
              registration.location,
              new ContactPing(registration.location, stack.transactions(), stack.sockets(), name),
              node.clock);
      return new SipSetup(
          stack, cluster, registrations, carriers, proxyServices.media(), features, recordings);
    } catch (RuntimeException | Error e) {
      stack.close();
      recordings.close();
      proxyServices.media().close();
      features.close();
      throw e;
    }
  }

  /** The call records, with their retention applied once a day. */
  private static CallRecords callRecords(Node node, MediaAnchor media) {
    ServerConfig.CallRecords config = node.config.proxy().callRecords();
    CallRecords records =
        CallRecords.to(
            node.store.calls(),
            node.storeExecutor,
            media,
            node.meters,
            node.clock,
            config.maxInProgress());
    node.every(
        "call record retention",
        Duration.ofMinutes(5),
        Duration.ofDays(1),
        () -> {
          int deleted = records.expire(config.retention());
          if (deleted > 0) {
            log.info("{} call records older than {} deleted", deleted, config.retention());
          }
        });
    return records;
  }

  /**
   * The recordings (media.recording), cut-off files repaired before any call; their retention
   * applied every hour.
   */
  private static Recordings recordings(Node node, MediaAnchor media, CallRecords records) {
    RecordingConfig config;
    Recordings recordings;
    try {
      config = Settings.recording(node.config);
      recordings =
          Recordings.start(config, media, records, node.store.audit(), node.meters, node.clock);
    } catch (IllegalArgumentException e) {
      media.close();
      throw new ConfigException(String.valueOf(e.getMessage()), e);
    } catch (RuntimeException e) {
      media.close();
      throw e;
    }
    if (!config.retention().isZero()) {
      node.every(
          "recording retention",
          Duration.ofMinutes(1),
          Duration.ofHours(1),
          () -> {
            int deleted = recordings.expire();
            if (deleted > 0) {
              log.info("{} recordings older than {} deleted", deleted, config.retention());
            }
          });
    }
    if (config.policy() != RecordingPolicy.ON_DEMAND || !config.domains().isEmpty()) {
      log.info(
          "recording: {} calls{}{}",
          config.policy().wire(),
          config.domains().isEmpty() ? "" : ", per domain " + config.domains(),
          media.anchors()
              ? ""
              : " (but media.anchor is never: no call is anchored, none recorded)");
    }
    return recordings;
  }

  /** The relay when calls are anchored (media.anchor), else media end to end. */
  private static MediaAnchor media(ServerConfig config, Node node) {
    if (!config.media().anchors()) {
      return MediaAnchor.direct();
    }
    try {
      return MediaAnchor.through(Settings.media(config), node.meters, Settings.musicOnHold(config));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(String.valueOf(e.getMessage()), e);
    }
  }

  /**
   * The conference rooms of conference.rooms, mixed on a relay of their own (its own event loops,
   * ports from the same media range), or null when there are none.
   */
  private static @Nullable Conferences conferences(ServerConfig config, Node node) {
    ServerConfig.Conference c = config.conference();
    if (c.rooms().isEmpty()) {
      return null;
    }
    MediaRelay relay;
    try {
      relay = MediaRelay.start(Settings.media(config), node.meters, session -> {});
    } catch (IllegalArgumentException e) {
      throw new ConfigException(String.valueOf(e.getMessage()), e);
    }
    Conferences conferences;
    try {
      conferences =
          Conferences.start(
              new ConferenceSettings(
                  c.rooms().stream().map(RoomSpec::parse).toList(),
                  c.maxRooms(),
                  c.maxParticipants(),
                  c.pinTries(),
                  (int) Math.max(1, c.jitterBuffer().toMillis() / 20),
                  config.media().timeout()),
              relay,
              node.meters);
    } catch (IllegalArgumentException e) {
      relay.close();
      throw new ConfigException(String.valueOf(e.getMessage()), e);
    } catch (java.io.IOException e) {
      relay.close();
      throw new java.io.UncheckedIOException(e);
    }
    // parties whose phones vanished (no RTP for media.timeout) are hung up
    node.every(
        "conference media timeout",
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        conferences::hangUpSilent);
    return conferences;
  }

  /** The numbers evertone answers itself: conference rooms, then park lots. */
  private record Features(@Nullable Conferences conferences, @Nullable Parking parking) {
    LocalNumbers numbers() {
      return (conferences == null ? LocalNumbers.NONE : conferences)
          .or(parking == null ? LocalNumbers.NONE : parking);
    }

    void close() {
      if (conferences != null) {
        conferences.close();
      }
      if (parking != null) {
        parking.close();
      }
    }
  }

  private static Features features(ServerConfig config, Node node) {
    Conferences conferences = conferences(config, node);
    try {
      return new Features(conferences, parking(config, node));
    } catch (RuntimeException | Error e) {
      if (conferences != null) {
        conferences.close();
      }
      throw e;
    }
  }

  /**
   * The park lots of park.lots, on a relay of their own (its own event loops, ports from the same
   * media range), or null when there are none.
   */
  private static @Nullable Parking parking(ServerConfig config, Node node) {
    List<String> lots = config.park().lots();
    if (lots.isEmpty()) {
      return null;
    }
    ParkSettings settings;
    AudioClip music;
    try {
      settings =
          new ParkSettings(
              lots.stream().map(LotSpec::parse).toList(),
              (int) Math.max(1, config.conference().jitterBuffer().toMillis() / 20),
              config.media().timeout());
      music = Settings.musicOnHold(config);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(String.valueOf(e.getMessage()), e);
    }
    MediaRelay relay;
    try {
      relay = MediaRelay.start(Settings.media(config), node.meters, session -> {});
    } catch (IllegalArgumentException e) {
      throw new ConfigException(String.valueOf(e.getMessage()), e);
    }
    Parking parking;
    try {
      parking = Parking.start(settings, relay, music, node.meters);
    } catch (java.io.IOException e) {
      relay.close();
      throw new java.io.UncheckedIOException(e);
    }
    // timeouts, and parties whose phones vanished (no RTP for media.timeout)
    node.every("park timeouts", Duration.ofSeconds(1), Duration.ofSeconds(1), parking::expire);
    return parking;
  }

  /** Trunks, numbers and forwarding rules in memory, following every change of any node. */
  private static RoutingTable routing(Node node) {
    RoutingTable routing = new RoutingTable(node.store.routing(), node.meters);
    // listening first: a change made while the table is read the first time is read again
    node.changes.listen(
        change -> {
          if (RoutingRepository.CHANGE.equals(change.entity())
              || Change.DOMAIN.equals(change.entity())) {
            routing.reload();
          }
        });
    routing.reload();
    // carriers' host names are resolved again, and a missed change is caught up
    node.pausing("routing reload", Duration.ofMinutes(5), Duration.ofMinutes(5), routing::reload);
    return routing;
  }

  /** This node's place in its cluster, once its UDP socket is bound: announced, then kept alive. */
  private static void join(Node node, Cluster cluster, SipStack stack) {
    if (!cluster.enabled()) {
      return;
    }
    InetSocketAddress self = clusterAddress(node.config, stack);
    cluster.join(self);
    log.info(
        "cluster node {} at {}: other nodes' devices are reached through them",
        cluster.nodeId(),
        self);
    Duration beat = node.config.cluster().heartbeatInterval();
    node.every("cluster heartbeat", beat, beat, cluster::heartbeat);
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
      limits =
          new ParseLimits(
              s.limits().maxMessageBytes(), s.limits().maxHeaderBytes(), s.limits().maxHeaders());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sip.limits: " + e.getMessage(), e);
    }
    return new TransportConfig(
        listen,
        limits,
        s.effectiveIoThreads(),
        s.udpReceiveBuffer(),
        s.maxConnections(),
        Math.max(1, s.connectionIdleTimeout().toSeconds()),
        s.serverName(),
        streamLimits(s.streams()));
  }

  private static StreamLimits streamLimits(ServerConfig.Streams t) {
    return new StreamLimits(
        t.tlsHandshakeTimeout(),
        t.maxClientHelloBytes(),
        t.maxUpgradeLineBytes(),
        t.maxUpgradeChunkBytes(),
        t.maxUpgradeContentBytes(),
        t.acceptBacklog(),
        t.connectTimeout(),
        t.maxConnectionsPerSource(),
        t.messageTimeout());
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
      throw new IllegalArgumentException(
          "sip.timers.c must be at least 3m (RFC 3261 16.6 step 11), not "
              + config.sip().timers().c());
    }
    return c;
  }

  /**
   * This node's UDP address as the other nodes of its cluster reach it: cluster.address, or
   * sip.host and the UDP port bound.
   */
  private static InetSocketAddress clusterAddress(ServerConfig config, SipStack stack) {
    ServerConfig.Cluster c = config.cluster();
    if (!c.address().isBlank()) {
      int colon = c.address().lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("cluster.address must be host:port, e.g. 10.0.0.5:5060");
      }
      return new InetSocketAddress(
          c.address().substring(0, colon).replace("[", "").replace("]", ""),
          Integer.parseInt(c.address().substring(colon + 1)));
    }
    InetSocketAddress udp = stack.sockets().of(TransportType.UDP);
    if (udp == null || udp.getAddress().isAnyLocalAddress()) {
      throw new IllegalArgumentException(
          "cluster.address is needed: sip.host is "
              + config.sip().host()
              + " (every address) and the UDP socket is the one the other nodes send to; set it to this node's host:port");
    }
    return udp;
  }

  /** The bound socket of a transport, or null when it is off. */
  @Nullable InetSocketAddress address(TransportType transport) {
    return stack.sockets().of(transport);
  }

  /**
   * Unregisters from carriers (the requests leave before the sockets close), then closes the
   * sockets.
   */
  @Override
  public void close() {
    if (carriers.close() > 0) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (conferences != null) {
      conferences.close();
    }
    if (parking != null) {
      parking.close();
    }
    stack.close();
    recordings.close(); // before the relay: each recording's file completed
    media.close();
  }
}
