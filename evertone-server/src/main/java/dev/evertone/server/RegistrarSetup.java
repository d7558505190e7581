package dev.evertone.server;

import dev.evertone.config.ServerConfig;
import dev.evertone.registrar.AuthGuard;
import dev.evertone.registrar.BindingJournal;
import dev.evertone.registrar.CredentialCache;
import dev.evertone.registrar.DigestGate;
import dev.evertone.registrar.LocationService;
import dev.evertone.registrar.Registrar;
import dev.evertone.registrar.RegistrarConfig;
import dev.evertone.sip.auth.DigestAlgorithm;
import dev.evertone.sip.auth.DigestAuthenticator;
import dev.evertone.sip.auth.NonceService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration: who a device is (credentials cached from the store, digest checked against nonces
 * of this cluster's secret, failures limited per source and account) and where it is (the location
 * service, written behind to the store so that a restart unregisters nobody).
 */
final class RegistrarSetup implements AutoCloseable {
  // the node's start-up lines under one name, as operators know them
  private static final Logger log = LoggerFactory.getLogger(EvertoneServer.class);

  final LocationService location;

  /** The one guard of every password check: SIP digest, /ice-servers, admin tokens. */
  final AuthGuard guard;

  final DigestGate gate;
  final Registrar registrar;

  /**
   * The secret of this cluster's nonces and flow tokens (auth.nonce-secret, or one made now for a
   * single node).
   */
  final byte[] clusterSecret;

  private final @Nullable BindingJournal journal;
  private final ScheduledExecutorService bindingWriter;

  private RegistrarSetup(
      LocationService location,
      AuthGuard guard,
      DigestGate gate,
      Registrar registrar,
      byte[] clusterSecret,
      @Nullable BindingJournal journal,
      ScheduledExecutorService bindingWriter) {
    this.location = location;
    this.guard = guard;
    this.gate = gate;
    this.registrar = registrar;
    this.clusterSecret = clusterSecret;
    this.journal = journal;
    this.bindingWriter = bindingWriter;
  }

  static RegistrarSetup start(Node node) {
    ServerConfig config = node.config;
    List<DigestAlgorithm> algorithms = algorithms(config.auth().algorithms());
    RegistrarConfig registrarConfig = registrarConfig(config);
    LocationService location =
        new LocationService(node.clock, registrarConfig.maxExpires(), node.meters);
    CredentialCache cache =
        new CredentialCache(
            node.store.credentials(),
            node.storeExecutor,
            config.store().credentialCacheSize(),
            algorithms,
            config.auth().previousSecretGrace().toMillis(),
            node.meters);
    node.changes.listen(cache::changed);
    byte[] clusterSecret = nonceSecret(config.auth().nonceSecret());
    NonceService nonces =
        new NonceService(clusterSecret, config.auth().nonceLifetime().toMillis(), node.clock);
    AuthGuard guard =
        new AuthGuard(registrarConfig.perSource(), registrarConfig.perAccount(), node.clock);
    String name = config.sip().serverName();
    DigestGate gate =
        new DigestGate(
            cache,
            new DigestAuthenticator(nonces, algorithms, node.clock),
            guard,
            node.clock,
            name,
            node.meters);
    node.every("binding expiry", Duration.ofSeconds(1), Duration.ofSeconds(1), location::expireDue);
    node.every("limiter purge", Duration.ofSeconds(10), Duration.ofSeconds(10), guard::purge);

    BindingJournal journal = journal(node, location);
    // its own thread: a slow database must not delay expiries or certificate checks
    ScheduledExecutorService bindingWriter =
        Executors.newSingleThreadScheduledExecutor(Node.daemon("binding-writer"));
    if (journal != null) {
      Duration every = config.registrar().persistInterval();
      Node.pausing(bindingWriter, "registration writes", every, every, journal::flush);
      Node.pausing(
          bindingWriter,
          "expired registration purge",
          Duration.ofMinutes(10),
          Duration.ofMinutes(10),
          () -> node.store.bindings().purgeExpired(node.clock.millis()));
    }
    Registrar registrar =
        new Registrar(
            registrarConfig,
            location,
            gate,
            journal == null ? Registrar.Durability.NONE : journal.writeThrough(bindingWriter),
            node.clock,
            name,
            node.meters);
    return new RegistrarSetup(
        location, guard, gate, registrar, clusterSecret, journal, bindingWriter);
  }

  /** The journal of registrations, restored from the store; null when they live in memory only. */
  private static @Nullable BindingJournal journal(Node node, LocationService location) {
    ServerConfig config = node.config;
    if (config.registrar().persistInterval().isZero()) {
      log.info(
          "registrations are kept in memory only (registrar.persist-interval 0s): a restart unregisters every device");
      return null;
    }
    BindingJournal journal =
        new BindingJournal(
            location, node.store.bindings(), config.cluster().nodeId(), node.clock, node.meters);
    long start = System.nanoTime();
    int restored = journal.restore();
    log.info(
        "registrations: {} restored from the store in {} ms; new ones written before their 200 OK,"
            + " refreshes behind every {}",
        restored,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        config.registrar().persistInterval());
    return journal;
  }

  private static RegistrarConfig registrarConfig(ServerConfig config) {
    ServerConfig.Registrar r = config.registrar();
    ServerConfig.Auth a = config.auth();
    try {
      return new RegistrarConfig(
          r.minExpires().toSeconds(),
          r.maxExpires().toSeconds(),
          r.defaultExpires().toSeconds(),
          r.maxContactsPerAor(),
          limits(a.failuresPerSource()),
          limits(a.failuresPerAccount()),
          r.expiresRange());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("registrar/auth: " + e.getMessage(), e);
    }
  }

  private static RegistrarConfig.FailureLimits limits(ServerConfig.FailureLimit l) {
    return new RegistrarConfig.FailureLimits(
        l.limit(), Math.max(1, l.window().toSeconds()), l.block().toSeconds());
  }

  static List<DigestAlgorithm> algorithms(List<String> names) {
    List<DigestAlgorithm> out = new ArrayList<>();
    for (String n : names) {
      DigestAlgorithm a = DigestAlgorithm.fromToken(n);
      if (a == null) {
        throw new IllegalArgumentException(
            "auth.algorithms: unknown digest algorithm '"
                + n
                + "'; use SHA-256, MD5 or SHA-512-256");
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

  /** The last registrations reach the store before it closes: the next start has them all. */
  @Override
  public void close() {
    bindingWriter.shutdown();
    try {
      bindingWriter.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (journal != null) {
      journal.flush();
    }
  }
}
