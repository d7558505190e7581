package dev.evertone.server;

import dev.evertone.config.Settings;
import dev.evertone.registrar.LocationService;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.tls.CertificateManager;
import java.time.Duration;
import java.util.EnumSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates of the TLS and WSS ports (and STUN over TLS): loaded, checked against the device
 * families registered over TLS, reloaded when their files change, and warned of before they expire.
 */
final class TlsSetup {
  // the node's start-up lines under one name, as operators know them
  private static final Logger log = LoggerFactory.getLogger(EvertoneServer.class);

  private TlsSetup() {}

  /** The certificate manager, or null when tls.certificates is empty (TLS and WSS are then off). */
  static @Nullable CertificateManager start(Node node, LocationService location) {
    if (node.config.tls().certificates().isEmpty()) {
      if (node.config.sip().tlsPort() >= 0 || node.config.sip().wssPort() >= 0) {
        log.info("TLS and WSS are off: no certificate is configured (tls.certificates)");
      }
      return null;
    }
    // a new chain must be one the devices registered over TLS and WSS accept
    CertificateManager certificates =
        Settings.certificates(
            node.config,
            node.clock,
            () -> location.userAgents(EnumSet.of(TransportType.TLS, TransportType.WSS)),
            node.meters);
    log.info("TLS engine: {}", certificates.engine());
    Duration watch = node.config.tls().watchInterval();
    if (watch.toMillis() > 0) {
      node.pausing("certificate file watch", watch, watch, certificates::reloadIfChanged);
    }
    node.every(
        "certificate expiry check", Duration.ZERO, Duration.ofDays(1), certificates::warnOfExpiry);
    return certificates;
  }
}
