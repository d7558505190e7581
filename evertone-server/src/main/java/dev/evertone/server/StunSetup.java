package dev.evertone.server;

import dev.evertone.config.ServerConfig;
import dev.evertone.sip.auth.NonceService;
import dev.evertone.stun.BindingService;
import dev.evertone.stun.StunIntegrity;
import dev.evertone.stun.StunLimits;
import dev.evertone.stun.StunProbe;
import dev.evertone.stun.StunServer;
import dev.evertone.stun.StunServerConfig;
import dev.evertone.stun.TurnConfig;
import dev.evertone.tls.CertificateManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STUN/TURN parts of the configuration turned into the relay's settings and the probes: for
 * serve and for {@code evertone stun}.
 */
public final class StunSetup {
  private static final Logger log = LoggerFactory.getLogger(StunSetup.class);

  private StunSetup() {}

  /**
   * The STUN/TURN service of a node.
   *
   * @param server the STUN server and relay, or null when stun.port is -1
   * @param probe the probe of every STUN server clients are told to use, or null when off
   * @param turnSecret what TURN credentials handed to browsers are signed with
   */
  record Running(@Nullable StunServer server, @Nullable StunProbe probe, String turnSecret)
      implements AutoCloseable {
    @Override
    public void close() {
      if (server != null) {
        server.close();
      }
      if (probe != null) {
        probe.close();
      }
    }
  }

  /** Starts the STUN server, the relay and the probes of a node, as configured. */
  static Running start(Node node, @Nullable CertificateManager certificates)
      throws InterruptedException, java.io.IOException {
    ServerConfig config = node.config;
    String turnSecret = turnSecret(config);
    StunServer server =
        config.stun().port() >= 0 ? start(config, certificates, turnSecret, node.meters) : null;
    StunProbe probe;
    try {
      probe = probe(config, server, turnSecret, node.clock, node.meters);
    } catch (java.io.IOException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      throw e;
    }
    if (probe != null) {
      node.pausing(
          "STUN probes", java.time.Duration.ZERO, config.stun().probeInterval(), probe::probeAll);
    }
    return new Running(server, probe, turnSecret);
  }

  /**
   * Starts the STUN server and relay of the configuration: UDP and TCP on stun.port, TLS on
   * stun.tls-port when there are certificates.
   */
  public static StunServer start(
      ServerConfig config,
      @Nullable CertificateManager certificates,
      String turnSecret,
      MeterRegistry meters)
      throws InterruptedException {
    ServerConfig.Stun c = config.stun();
    String host = c.host().isBlank() ? config.sip().host() : c.host();
    StunServer.TlsListener tls = null;
    if (c.tlsPort() >= 0 && certificates != null) {
      tls = new StunServer.TlsListener(c.tlsPort(), certificates.mapping());
    } else if (c.tlsPort() >= 0) {
      log.info("STUN/TURN over TLS is off: no certificate is configured (tls.certificates)");
    }
    return StunServer.start(
        new StunServerConfig(host, c.port(), c.effectiveIoThreads(), tls, limits(c)),
        new BindingService(meters),
        turnConfig(c.turn(), host, c.expectedAddress(), turnSecret),
        meters);
  }

  private static StunLimits limits(ServerConfig.Stun c) {
    ServerConfig.StunLimits l = c.limits();
    return new StunLimits(
        l.idleTimeout(),
        l.tlsHandshakeTimeout(),
        l.maxClientHelloBytes(),
        l.receiveBufferBytes(),
        l.maxDatagramBytes(),
        l.clientQueueBytes(),
        c.turn().nonceLifetime(),
        l.relayDatagramBytes());
  }

  /**
   * The secret TURN credentials for browsers are signed with: the first configured, or one made
   * now.
   */
  public static String turnSecret(ServerConfig config) {
    return config.stun().turn().secrets().isEmpty()
        ? Base64.getEncoder().encodeToString(NonceService.randomSecret())
        : config.stun().turn().secrets().get(0);
  }

  /** The relay's configuration, or null when stun.turn.enabled is false. */
  public static @Nullable TurnConfig turnConfig(
      ServerConfig.Turn t, String stunHost, String expectedAddress, String secret) {
    if (!t.enabled()) {
      return null;
    }
    java.net.InetAddress advertised = null;
    if (!expectedAddress.isBlank()) {
      try {
        advertised = java.net.InetAddress.getByName(expectedAddress);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException(
            "stun.expected-address: " + expectedAddress + " is not an address", e);
      }
    }
    Map<String, String> users = new LinkedHashMap<>();
    for (String u : t.users()) {
      users.put(u.substring(0, u.indexOf(':')), u.substring(u.indexOf(':') + 1));
    }
    List<String> secrets = t.secrets().isEmpty() ? List.of(secret) : t.secrets();
    return new TurnConfig(
        t.realm(),
        users,
        secrets,
        t.relayHost().isBlank() ? stunHost : t.relayHost(),
        t.relayHostIpv6().isBlank() ? null : t.relayHostIpv6(),
        t.minPort(),
        t.maxPort(),
        (int) t.maxLifetime().toSeconds(),
        t.perUserAllocations(),
        t.totalAllocations(),
        t.allowLoopbackPeers(),
        t.allowPrivatePeers(),
        t.bytesPerSecond(),
        advertised);
  }

  /**
   * The probe of every STUN server clients are told to use: evertone's own (over loopback when it
   * listens on every address) and stun.probe-servers; null when off or there is nothing to probe.
   */
  public static @Nullable StunProbe probe(
      ServerConfig config,
      @Nullable StunServer stun,
      String turnSecret,
      Clock clock,
      MeterRegistry meters)
      throws java.io.IOException {
    ServerConfig.Stun c = config.stun();
    if (c.probeInterval().isZero()) {
      return null;
    }
    List<StunProbe.Target> targets = new ArrayList<>();
    if (stun != null) {
      InetSocketAddress own = stun.udpAddress();
      if (own.getAddress().isAnyLocalAddress()) {
        own = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), own.getPort());
      }
      ServerConfig.Turn turn = c.turn();
      if (turn.enabled() && (!own.getAddress().isLoopbackAddress() || turn.allowLoopbackPeers())) {
        // the relay too: an allocation that must bring a packet back to the probe (REST credentials
        // of its own secret;
        // over loopback only where loopback peers are allowed, which they are not by default)
        String user = (clock.instant().getEpochSecond() + 3650L * 86_400) + ":evertone-probe";
        String password = StunIntegrity.restPassword(turnSecret, user);
        targets.add(new StunProbe.Target("evertone", own, user, password));
      } else {
        targets.add(new StunProbe.Target("evertone", own));
      }
    }
    for (String server : c.probeServers()) {
      int colon = server.lastIndexOf(':');
      String host = server.substring(0, colon).replace("[", "").replace("]", "");
      try {
        targets.add(
            new StunProbe.Target(
                server,
                new InetSocketAddress(
                    java.net.InetAddress.getByName(host),
                    Integer.parseInt(server.substring(colon + 1)))));
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("stun.probe-servers: " + host + " does not resolve", e);
      }
    }
    if (targets.isEmpty()) {
      return null;
    }
    String host = c.host().isBlank() ? config.sip().host() : c.host();
    java.net.InetAddress expected = null;
    if (!c.expectedAddress().isBlank()) {
      try {
        expected = java.net.InetAddress.getByName(c.expectedAddress());
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException(
            "stun.expected-address: " + c.expectedAddress() + " is not an address", e);
      }
    }
    log.info(
        "STUN probes every {}: {}",
        c.probeInterval(),
        targets.stream().map(StunProbe.Target::name).toList());
    return new StunProbe(
        targets,
        new InetSocketAddress(host, 0),
        expected,
        (int) c.probeTimeout().toMillis(),
        clock,
        meters);
  }
}
