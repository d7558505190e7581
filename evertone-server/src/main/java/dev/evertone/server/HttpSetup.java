package dev.evertone.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evertone.config.ServerConfig;
import dev.evertone.config.Settings;
import dev.evertone.http.ApiJson;
import dev.evertone.http.HttpEndpoints;
import dev.evertone.http.IceServers;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.registrar.LocationService;
import dev.evertone.store.Actor;
import dev.evertone.stun.StunProbe;
import dev.evertone.stun.StunServer;
import dev.evertone.tls.CertificateManager;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port: metrics and health, the admin API over every feature's service, the ICE servers
 * browsers are handed, and the public status page.
 */
final class HttpSetup {
  // the node's start-up lines under one name, as operators know them
  private static final Logger log = LoggerFactory.getLogger(EvertoneServer.class);

  private HttpSetup() {}

  /** The HTTP endpoints, or null when http.port is -1. */
  static @Nullable HttpEndpoints start(
      Node node,
      RegistrarSetup registration,
      SipSetup sip,
      @Nullable CertificateManager certificates,
      StunSetup.Running stun,
      @Nullable StatusSetup status) {
    ServerConfig config = node.config;
    if (config.http().port() < 0) {
      return null;
    }
    ProvisioningService provisioning =
        new ProvisioningService(
            node.store, Settings.provisioning(config), node.clock, new Actor("server", "local"));
    StunProbe probe = stun.probe();
    StunServer server = stun.server();
    HttpEndpoints http =
        HttpEndpoints.start(
            config.http(),
            config.provisioning().importLimits().maxBytes(),
            node.meters,
            () -> health(registration.location, probe),
            new HttpEndpoints.Services(
                provisioning,
                node.store.tokens(),
                registration.guard,
                certificates,
                sip.registrations,
                server == null ? null : iceServers(node, registration, server, stun.turnSecret()),
                status == null ? null : status.service(),
                status == null ? null : status.page(),
                node.store.calls(),
                sip.conferences,
                sip.recordings,
                sip.parking));
    log.info(
        "metrics on http://{}:{}/metrics, health on /health, admin API on /api/v1",
        config.http().host(),
        http.address().getPort());
    return http;
  }

  /**
   * What browsers are told to use: this node's STUN server, and its TURN relay with credentials
   * that expire.
   */
  private static IceServers iceServers(
      Node node, RegistrarSetup registration, StunServer stun, String turnSecret) {
    ServerConfig.Stun c = node.config.stun();
    InetSocketAddress tls = stun.tlsAddress();
    return new IceServers(
        node.store.credentials(),
        registration.guard,
        registration.location,
        new IceServers.Settings(
            c.publicHost().isBlank() ? null : c.publicHost(),
            stun.udpAddress().getPort(),
            tls == null ? -1 : tls.getPort(),
            c.turn().enabled(),
            turnSecret,
            c.turn().credentialTtl(),
            c.extraIceServers()),
        node.clock);
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
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
