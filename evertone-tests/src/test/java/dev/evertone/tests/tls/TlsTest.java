package dev.evertone.tests.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.transport.TransportType;
import dev.evertone.tests.support.Cli;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.SipTestClient;
import dev.evertone.tests.support.TlsClient;
import dev.evertone.tests.support.WebSocketClient;
import dev.evertone.tls.Certificates;
import dev.evertone.tls.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIP over TLS through real sockets: registration, live certificate rotation, refused rotations.
 */
class TlsTest {
  static final String DOMAIN = "sip.example.com";
  @TempDir Path dir;
  private final Instant now = Instant.now();
  private final TestPki.Issued root =
      TestPki.root("Test Root", now.minus(10, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
  private @Nullable ServerFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** The server this test started. */
  private ServerFixture fixture() {
    return Objects.requireNonNull(fixture, "no server started yet");
  }

  /**
   * Writes a fresh leaf for the domain (and 127.0.0.1), issued by {@code issuer}, with its key, to
   * sip.pem.
   */
  private X509Certificate writeCertificate(TestPki.Issued issuer) {
    KeyPair keys = TestPki.ec();
    TestPki.Issued leaf =
        TestPki.leaf(
            keys,
            issuer,
            now.minus(1, ChronoUnit.HOURS),
            now.plus(90, ChronoUnit.DAYS),
            DOMAIN,
            "127.0.0.1");
    TestPki.write(
        dir.resolve("sip.pem"), TestPki.pem(keys.getPrivate(), leaf.cert(), issuer.cert()));
    return leaf.cert();
  }

  private ServerFixture start(String... more) throws Exception {
    List<String> overrides =
        new ArrayList<>(
            List.of(
                "sip.tls-port=0",
                "sip.wss-port=0",
                "tls.watch-interval=200ms",
                "tls.certificates=" + dir.resolve("sip.pem")));
    overrides.addAll(List.of(more));
    fixture = new ServerFixture(dir.resolve("data"), overrides.toArray(String[]::new));
    fixture().provision(DOMAIN, 20);
    return fixture;
  }

  private InetSocketAddress tls() {
    return fixture().address(TransportType.TLS);
  }

  private X509Certificate presentedToANewConnection() throws IOException {
    try (TlsClient c = new TlsClient(tls(), DOMAIN, root.cert())) {
      return c.serverCertificate();
    }
  }

  private double counter(String name, String tag, String value) {
    return fixture().server.meters().get(name).tag(tag, value).counter().count();
  }

  @Test
  void devicesKeepRegisteringOverTheirConnectionsWhileTheCertificateIsRotated() throws Exception {
    X509Certificate first = writeCertificate(root);
    start();
    assertThat(presentedToANewConnection()).isEqualTo(first);

    int devices = 20;
    List<TlsClient> phones = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      TlsClient phone = new TlsClient(tls(), DOMAIN, root.cert());
      assertThat(
              DigestRegister.register(phone, "u" + (100000 + i), DOMAIN, "pw" + "u" + (100000 + i)))
          .isEqualTo(200);
      phones.add(phone);
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> loops = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int lane = t;
      loops.add(
          pool.submit(
              () -> {
                while (running.get()) {
                  for (int i = lane; i < devices; i += 4) {
                    try {
                      int status =
                          DigestRegister.register(
                              phones.get(i), "u" + (100000 + i), DOMAIN, "pw" + "u" + (100000 + i));
                      (status == 200 ? ok : failed).incrementAndGet();
                    } catch (IOException e) {
                      failed.incrementAndGet();
                    }
                  }
                }
                return null;
              }));
    }
    List<X509Certificate> served = new ArrayList<>(List.of(first));
    for (int rotation = 0; rotation < 3; rotation++) {
      Thread.sleep(300);
      X509Certificate next = writeCertificate(root);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!presentedToANewConnection().equals(next) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(presentedToANewConnection())
          .as("rotation %d reaches new connections", rotation + 1)
          .isEqualTo(next);
      served.add(next);
    }
    Thread.sleep(300);
    running.set(false);
    for (Future<?> f : loops) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(failed.get()).as("failed registrations").isZero();
    assertThat(ok.get()).as("registrations during the rotations").isGreaterThan(devices * 3);
    for (TlsClient phone : phones) {
      assertThat(phone.isOpen()).isTrue();
      assertThat(phone.serverCertificate())
          .as("an open connection keeps the certificate of its handshake")
          .isEqualTo(first);
      phone.close();
    }
    assertThat(served).doesNotHaveDuplicates();
    assertThat(counter("evertone.tls.reloads", "outcome", "activated")).isEqualTo(3.0);
    assertThat(counter("evertone.sip.tls.handshakes", "outcome", "failed")).isZero();
  }

  @Test
  void aBrokenOrMismatchedFileIsRefusedAndTheCurrentCertificateStaysInService() throws Exception {
    X509Certificate first = writeCertificate(root);
    start();
    TestPki.write(
        dir.resolve("sip.pem"), "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
    waitFor(() -> counter("evertone.tls.reloads", "outcome", "refused") >= 1);
    assertThat(presentedToANewConnection()).isEqualTo(first);

    KeyPair keys = TestPki.ec();
    TestPki.Issued leaf =
        TestPki.leaf(
            keys, root, now.minus(1, ChronoUnit.HOURS), now.plus(90, ChronoUnit.DAYS), DOMAIN);
    TestPki.write(
        dir.resolve("sip.pem"), TestPki.pem(TestPki.ec().getPrivate(), leaf.cert(), root.cert()));
    waitFor(() -> counter("evertone.tls.reloads", "outcome", "refused") >= 2);
    assertThat(presentedToANewConnection()).isEqualTo(first);
    try (TlsClient phone = new TlsClient(tls(), DOMAIN, root.cert())) {
      assertThat(DigestRegister.register(phone, "u100000", DOMAIN, "pwu100000")).isEqualTo(200);
    }
  }

  @Test
  void aChainThatRegisteredDevicesWouldRejectIsNotActivated() throws Exception {
    writeCertificate(root);
    Path profiles = Files.createDirectories(dir.resolve("profiles"));
    Files.writeString(profiles.resolve("deskphone-roots.pem"), TestPki.pem(null, root.cert()));
    Files.writeString(
        profiles.resolve("deskphone.yaml"),
        """
        description: Desk phones that only trust Test Root
        path-building: legacy
        user-agents: ['^DeskPhone/']
        roots: deskphone-roots.pem
        """);
    start("tls.profiles-dir=" + profiles);
    X509Certificate serving = presentedToANewConnection();
    try (TlsClient phone = new TlsClient(tls(), DOMAIN, root.cert())) {
      assertThat(registerAs(phone, "DeskPhone/4.2")).isEqualTo(200);
      TestPki.Issued otherRoot =
          TestPki.root(
              "Other Root", now.minus(1, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
      writeCertificate(otherRoot);
      waitFor(() -> counter("evertone.tls.reloads", "outcome", "refused") >= 1);
      assertThat(presentedToANewConnection()).isEqualTo(serving);
      var refused = fixture().certificates().reload(false);
      assertThat(refused.messages().get(0))
          .startsWith(
              "1 registered device(s) of profile 'deskphone' would reject 'sip.example.com' (they accept the chain served now)");
      assertThat(fixture().certificates().reload(true).outcome()).isEqualTo("activated");
      assertThat(Certificates.name(fixture().certificates().served().get(0).chain().get(1)))
          .isEqualTo("Other Root");
    }
  }

  @Test
  void opensslSeesTheNewCertificateAfterARotation() throws Exception {
    writeCertificate(root);
    start();
    X509Certificate next = writeCertificate(root);
    waitFor(() -> presentedToANewConnection().equals(next));
    Path ca = TestPki.write(dir.resolve("root.pem"), TestPki.pem(null, root.cert()));
    Process p =
        new ProcessBuilder(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + tls().getPort(),
                "-servername",
                DOMAIN,
                "-showcerts",
                "-CAfile",
                ca.toString(),
                "-verify_hostname",
                DOMAIN,
                "-verify_return_error")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String pem =
        out.substring(
            out.indexOf("-----BEGIN CERTIFICATE-----"),
            out.indexOf("-----END CERTIFICATE-----") + 25);
    X509Certificate seen =
        dev.evertone.tls.Pem.read(TestPki.write(dir.resolve("seen.pem"), pem + "\n"))
            .certificates()
            .get(0);
    assertThat(Certificates.fingerprint(seen)).isEqualTo(Certificates.fingerprint(next));
    assertThat(out)
        .contains("Verification: OK")
        .contains("Verified peername: " + DOMAIN)
        .contains("TLSv1.3");
  }

  @Test
  void theAdminApiAndTheCliReportAndReload() throws Exception {
    writeCertificate(root);
    // no file watch: on a busy machine it would serve the new files before the reload asked for
    start("tls.watch-interval=0s");
    String token =
        fixture().server.store().tokens().create("ops", dev.evertone.store.Actor.local("test"));
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> status =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(fixture().http() + "/api/v1/tls"))
                .header("Authorization", "Bearer " + token)
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body())
        .contains("\"devices_by_profile\"")
        .contains("host sip.example.com: matches")
        .contains("CN=Test Root");
    java.net.http.HttpResponse<String> anonymous =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(fixture().http() + "/api/v1/tls/reload"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    Map<String, String> env = Map.of("EVERTONE_SERVER", fixture().http(), "EVERTONE_TOKEN", token);
    assertThat(Cli.execute(env, "", "tls", "reload").out()).startsWith("unchanged:");
    X509Certificate next = writeCertificate(root);
    Cli.Result reload = Cli.execute(env, "", "tls", "reload");
    assertThat(reload.code()).isZero();
    assertThat(reload.out()).startsWith("activated:").contains("serving 'sip.example.com'");
    assertThat(presentedToANewConnection()).isEqualTo(next);
    TestPki.write(dir.resolve("sip.pem"), "not a certificate\n");
    Cli.Result refused = Cli.execute(env, "", "tls", "reload");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err())
        .startsWith("refused:")
        .contains("holds no certificate")
        .contains("the current certificate stays in service");
  }

  @Test
  void withoutACertificateTheTlsPortsStayClosedAndTheApiSaysWhy() throws Exception {
    fixture = new ServerFixture(dir.resolve("data"), "sip.tls-port=0", "sip.wss-port=0");
    assertThat(fixture().server.sipAddress(TransportType.TLS)).isNull();
    assertThat(fixture().address(TransportType.UDP)).isNotNull();
    String token =
        fixture().server.store().tokens().create("ops", dev.evertone.store.Actor.local("test"));
    Cli.Result r =
        Cli.execute(
            Map.of("EVERTONE_SERVER", fixture().http(), "EVERTONE_TOKEN", token),
            "",
            "tls",
            "reload");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("no certificate is configured: set tls.certificates");
  }

  @Test
  void withClientAuthOnlyDevicesWithACertificateOfTheDeviceCaGetIn() throws Exception {
    writeCertificate(root);
    TestPki.Issued deviceCa =
        TestPki.root("Device CA", now.minus(1, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
    Path caFile = TestPki.write(dir.resolve("device-ca.pem"), TestPki.pem(null, deviceCa.cert()));
    start("tls.client-auth=require", "tls.client-ca-file=" + caFile);
    KeyPair phoneKeys = TestPki.ec();
    X509Certificate phone =
        TestPki.leaf(
                phoneKeys,
                deviceCa,
                now.minus(1, ChronoUnit.HOURS),
                now.plus(30, ChronoUnit.DAYS),
                "phone-0001")
            .cert();
    try (TlsClient device =
        new TlsClient(tls(), DOMAIN, root.cert(), phoneKeys.getPrivate(), phone)) {
      assertThat(DigestRegister.register(device, "u100000", DOMAIN, "pwu100000")).isEqualTo(200);
    }
    double failedBefore = counter("evertone.sip.tls.handshakes", "outcome", "failed");
    // no certificate, or one from another CA: the handshake fails (with TLS 1.3 the client learns
    // it at its first read)
    TestPki.Issued otherCa =
        TestPki.root("Other CA", now.minus(1, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
    X509Certificate stranger =
        TestPki.leaf(
                phoneKeys,
                otherCa,
                now.minus(1, ChronoUnit.HOURS),
                now.plus(30, ChronoUnit.DAYS),
                "x")
            .cert();
    assertThat(refused(() -> new TlsClient(tls(), DOMAIN, root.cert()))).isTrue();
    assertThat(
            refused(
                () -> new TlsClient(tls(), DOMAIN, root.cert(), phoneKeys.getPrivate(), stranger)))
        .isTrue();
    assertThat(fixture().server.location().lookup("sip:u100001@" + DOMAIN)).isEmpty();
    long deadline = System.currentTimeMillis() + 2000;
    while (counter("evertone.sip.tls.handshakes", "outcome", "failed") < failedBefore + 2
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(counter("evertone.sip.tls.handshakes", "outcome", "failed"))
        .isEqualTo(failedBefore + 2);
  }

  /** Whether a device's REGISTER gets no answer because its TLS handshake was refused. */
  private static boolean refused(java.util.concurrent.Callable<TlsClient> connect) {
    try (TlsClient c = connect.call()) {
      return DigestRegister.register(c, "u100001", DOMAIN, "pwu100001") == -1;
    } catch (Exception e) {
      return e instanceof IOException;
    }
  }

  @Test
  void theJdkEngineServesTheSameWhenChosen() throws Exception {
    X509Certificate leaf = writeCertificate(root);
    start("tls.engine=jdk");
    assertThat(fixture().certificates().engine()).startsWith("JDK");
    assertThat(presentedToANewConnection()).isEqualTo(leaf);
    try (TlsClient phone = new TlsClient(tls(), DOMAIN, root.cert())) {
      assertThat(DigestRegister.register(phone, "u100000", DOMAIN, "pwu100000")).isEqualTo(200);
    }
  }

  @Test
  void aBrowserPhoneRegistersOverSecureWebSocket() throws Exception {
    writeCertificate(root);
    start();
    InetSocketAddress wss = fixture().address(TransportType.WSS);
    try (WebSocketClient browser =
        new WebSocketClient(
            java.net.URI.create("wss://127.0.0.1:" + wss.getPort() + "/"), root.cert())) {
      assertThat(browser.subprotocol()).isEqualTo("sip");
      assertThat(DigestRegister.register(browser, "u100001", DOMAIN, "pwu100001")).isEqualTo(200);
      var bindings = fixture().server.location().lookup("sip:u100001@" + DOMAIN);
      assertThat(bindings).hasSize(1);
      assertThat(bindings.get(0).transport()).isEqualTo(TransportType.WSS);
      assertThat(bindings.get(0).contact()).endsWith(";transport=wss");
      // a broken message is answered over the same connection, which stays open
      assertThat(
              browser.exchange(
                  "OPTIONS sip:"
                      + DOMAIN
                      + " SIP/2.0\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\n"
                      + "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: x OPTIONS\r\nMax-Forwards: 70\r\n\r\n"))
          .startsWith("SIP/2.0 400");
      assertThat(DigestRegister.register(browser, "u100001", DOMAIN, "pwu100001")).isEqualTo(200);
    }
    // a WebSocket client that does not ask for the sip subprotocol is refused (RFC 7118 4.1)
    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder().sslContext(TlsClient.context(root.cert())).build();
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    http.newWebSocketBuilder()
                        .buildAsync(
                            java.net.URI.create("wss://127.0.0.1:" + wss.getPort() + "/"),
                            new java.net.http.WebSocket.Listener() {})
                        .join()))
        .hasStackTraceContaining("Unexpected HTTP response status code 400");
  }

  /** A REGISTER with a User-Agent, digest-authenticated. */
  private static int registerAs(TlsClient phone, String userAgent) throws IOException {
    return DigestRegister.register(
        new SipTestClient() {
          @Override
          public @Nullable String exchange(String text) throws IOException {
            return phone.exchange(
                text.replace(
                    "Max-Forwards: 70\r\n",
                    "Max-Forwards: 70\r\nUser-Agent: " + userAgent + "\r\n"));
          }

          @Override
          public int port() {
            return phone.port();
          }

          @Override
          public String transport() {
            return phone.transport();
          }
        },
        "u100000",
        DOMAIN,
        "pwu100000");
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitFor(Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s");
      }
      Thread.sleep(50);
    }
  }
}
