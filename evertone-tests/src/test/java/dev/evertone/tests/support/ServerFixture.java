package dev.evertone.tests.support;

import dev.evertone.config.ConfigLoader;
import dev.evertone.provisioning.ImportOptions;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.provisioning.template.Format;
import dev.evertone.server.EvertoneServer;
import dev.evertone.server.StatusSetup;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.Actor;
import dev.evertone.stun.StunServer;
import dev.evertone.tls.CertificateManager;
import dev.evertone.tls.testing.TestPki;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A real evertone server in this JVM, on loopback ports the system picks, with its own data
 * directory.
 */
public final class ServerFixture implements AutoCloseable {
  public final EvertoneServer server;

  public ServerFixture(Path dataDir, String... overrides) throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of(
                "data-dir=" + dataDir,
                "sip.host=127.0.0.1",
                "sip.udp-port=0",
                "sip.tcp-port=0",
                "stun.port=0",
                "stun.tls-port=0",
                "http.port=0",
                "store.change-poll-interval=100ms",
                "sip.io-threads=2"));
    all.addAll(List.of(overrides));
    server = EvertoneServer.start(ConfigLoader.load(null, Map.of(), all), Clock.systemUTC());
  }

  /**
   * A server that serves TLS and WSS with a fresh ECDSA certificate for {@code domain} and
   * 127.0.0.1 issued by {@code root} (written to {@code dir}/sip.pem), data in {@code dir}/data.
   */
  public static ServerFixture withCertificate(
      Path dir, TestPki.Issued root, String domain, String... overrides) throws Exception {
    Instant now = Instant.now();
    KeyPair keys = TestPki.ec();
    TestPki.Issued leaf =
        TestPki.leaf(
            keys,
            root,
            now.minus(1, ChronoUnit.HOURS),
            now.plus(90, ChronoUnit.DAYS),
            domain,
            "127.0.0.1");
    TestPki.write(dir.resolve("sip.pem"), TestPki.pem(keys.getPrivate(), leaf.cert(), root.cert()));
    List<String> all =
        new ArrayList<>(
            List.of(
                "sip.tls-port=0", "sip.wss-port=0", "tls.certificates=" + dir.resolve("sip.pem")));
    all.addAll(List.of(overrides));
    return new ServerFixture(dir.resolve("data"), all.toArray(String[]::new));
  }

  public InetSocketAddress udp() {
    return server.sipAddresses().get(0);
  }

  /** The bound socket of a transport this test turned on. */
  public InetSocketAddress address(TransportType transport) {
    return Objects.requireNonNull(
        server.sipAddress(transport), () -> transport + " is off on this server");
  }

  /** The status page, which tests run with (status.enabled is true by default). */
  public StatusSetup status() {
    return Objects.requireNonNull(server.status(), "status.enabled is false on this server");
  }

  /** The STUN server (stun.port 0 here unless a test turns it off). */
  public StunServer stun() {
    return Objects.requireNonNull(server.stun(), "stun.port is -1 on this server");
  }

  /** The certificates of a server made {@link #withCertificate}. */
  public CertificateManager certificates() {
    return Objects.requireNonNull(server.certificates(), "no tls.certificates on this server");
  }

  public InetSocketAddress tcp() {
    return server.sipAddresses().get(1);
  }

  public String http() {
    InetSocketAddress http = Objects.requireNonNull(server.httpAddress(), "http.port is -1");
    return "http://127.0.0.1:" + http.getPort();
  }

  /** What {@code /health} tells an administrator (with a token made for the purpose). */
  public String health() throws Exception {
    if (healthToken == null) {
      healthToken =
          server.store().tokens().create("health", dev.evertone.store.Actor.local("test"));
    }
    return api("GET", "/health", null, healthToken).body();
  }

  private @Nullable String healthToken;

  /** One call to the admin API with a token: a JSON body (or none) and the answer as text. */
  public java.net.http.HttpResponse<String> api(
      String method, String path, @Nullable String json, String token) throws Exception {
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(http() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(json))
            .build();
    return java.net.http.HttpClient.newHttpClient()
        .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** Provisioning on this server's store, as an operator at the console. */
  public ProvisioningService provisioning() {
    return new ProvisioningService(
        server.store(),
        dev.evertone.provisioning.ProvisioningConfig.DEFAULT,
        Clock.systemUTC(),
        Actor.local("test"));
  }

  /**
   * Adds domain {@code domain} (if new) and the benchmark users u100000.. with password {@code
   * prefix} + user, by import.
   */
  public void provision(String domain, int count, String prefix) {
    if (server.store().domains().find(domain).isEmpty()) {
      provisioning().addDomain(domain);
    }
    StringBuilder csv = new StringBuilder("domain,extension,auth_user,secret\n");
    for (int i = 0; i < count; i++) {
      String u = "u" + (100000 + i);
      csv.append(domain)
          .append(',')
          .append(u)
          .append(',')
          .append(u)
          .append(',')
          .append(prefix)
          .append(u)
          .append('\n');
    }
    provisioning()
        .importFile(
            csv.toString().getBytes(StandardCharsets.UTF_8),
            new ImportOptions(Format.CSV, "fixture.csv", false, true, false));
  }

  /**
   * The benchmark users with password "pw" + user, as bench/peers/make-users.sh and Kamailio's
   * configuration derive them.
   */
  public void provision(String domain, int count) {
    provision(domain, count, "pw");
  }

  @Override
  public void close() {
    server.close();
  }
}
