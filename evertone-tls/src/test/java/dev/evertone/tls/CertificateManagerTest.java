package dev.evertone.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.tls.testing.TestPki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateManagerTest {
  @TempDir Path dir;
  private final Instant now = Instant.now();
  private final TestPki.Issued goodRoot =
      TestPki.root("Good Root", now.minus(10, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
  private final TestPki.Issued otherRoot =
      TestPki.root("Other Root", now.minus(10, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
  private final Map<String, Integer> userAgents = new HashMap<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private Map<String, TrustProfile> profiles() {
    Map<String, TrustProfile> p = new LinkedHashMap<>();
    p.put(
        "modern",
        new TrustProfile(
            "modern",
            "",
            PathBuilding.MODERN,
            List.of(goodRoot.cert(), otherRoot.cert()),
            List.of(),
            "test"));
    p.put(
        "picky",
        new TrustProfile(
            "picky",
            "",
            PathBuilding.LEGACY,
            List.of(goodRoot.cert()),
            List.of(Pattern.compile("^Picky/")),
            "test"));
    return p;
  }

  private Path writeChain(String name, TestPki.Issued root, String... hosts) {
    KeyPair keys = TestPki.ec();
    TestPki.Issued leaf =
        TestPki.leaf(
            keys, root, now.minus(1, ChronoUnit.HOURS), now.plus(60, ChronoUnit.DAYS), hosts);
    return TestPki.write(
        dir.resolve(name), TestPki.pem(keys.getPrivate(), leaf.cert(), root.cert()));
  }

  private CertificateManager manager(Path... chains) {
    return manager(TlsSettings.defaults(), chains);
  }

  private CertificateManager manager(TlsSettings settings, Path... chains) {
    List<CertificateSource> sources =
        java.util.Arrays.stream(chains).map(c -> new CertificateSource(c, null)).toList();
    return new CertificateManager(
        sources,
        settings,
        new DeviceTrust(profiles(), "modern", () -> userAgents),
        Duration.ofDays(21),
        Clock.systemUTC(),
        meters);
  }

  private static TlsSettings engine(TlsSettings.Engine engine) {
    TlsSettings d = TlsSettings.defaults();
    return new TlsSettings(d.protocols(), d.ciphers(), d.clientAuth(), d.clientCaFile(), engine);
  }

  @Test
  void theEngineIsBoringSslWhereItLoadsAndTheJdkOnRequest() throws Exception {
    Path file = writeChain("sip.pem", goodRoot, "sip.example.com");
    // this project's build machines are Linux x86-64, where the bundled BoringSSL loads
    assertThat(io.netty.handler.ssl.OpenSsl.isAvailable()).as("BoringSSL on this machine").isTrue();
    for (TlsSettings.Engine e : TlsSettings.Engine.values()) {
      CertificateManager m = manager(engine(e), file);
      assertThat(m.engine()).startsWith(e == TlsSettings.Engine.JDK ? "JDK" : "BoringSSL");
      io.netty.handler.ssl.SslContext ctx = m.mapping().map("sip.example.com");
      javax.net.ssl.SSLEngine server = ctx.newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
      assertThat(server instanceof io.netty.handler.ssl.ReferenceCountedOpenSslEngine)
          .isEqualTo(e != TlsSettings.Engine.JDK);
      assertThat(server.getEnabledProtocols())
          .contains("TLSv1.3", "TLSv1.2")
          .doesNotContain("TLSv1.1", "TLSv1", "SSLv3");
      io.netty.util.ReferenceCountUtil.release(server);
    }
  }

  @Test
  void aChangedFileIsServedToNewHandshakesAndAnUnchangedOneIsLeftAlone() {
    Path file = writeChain("sip.pem", goodRoot, "sip.example.com");
    CertificateManager m = manager(file);
    X509Certificate first = m.served().get(0).leaf();
    assertThat(m.reload(false).outcome()).isEqualTo("unchanged");

    writeChain("sip.pem", goodRoot, "sip.example.com");
    CertificateManager.Reload r = m.reload(false);
    assertThat(r.outcome()).isEqualTo("activated");
    assertThat(r.messages().get(0))
        .contains("serving 'sip.example.com'")
        .contains("open connections keep theirs");
    assertThat(m.served().get(0).leaf()).isNotEqualTo(first);
    assertThat(meters.get("evertone.tls.reloads").tag("outcome", "activated").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void aBadNewFileIsRefusedAndTheCurrentCertificateStays() throws Exception {
    Path file = writeChain("sip.pem", goodRoot, "sip.example.com");
    CertificateManager m = manager(file);
    X509Certificate serving = m.served().get(0).leaf();

    TestPki.write(file, "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n");
    CertificateManager.Reload r = m.reload(false);
    assertThat(r.refused()).isTrue();
    assertThat(r.messages().get(0))
        .contains("is not a readable PEM file")
        .endsWith("the current certificate stays in service");

    KeyPair keys = TestPki.ec();
    TestPki.Issued leaf =
        TestPki.leaf(
            keys,
            goodRoot,
            now.minus(1, ChronoUnit.HOURS),
            now.plus(60, ChronoUnit.DAYS),
            "sip.example.com");
    TestPki.write(file, TestPki.pem(TestPki.ec().getPrivate(), leaf.cert()));
    assertThat(m.reload(false).messages().get(0))
        .contains("the private key does not belong to the certificate");

    Files.delete(file);
    assertThat(m.reload(false).messages().get(0)).contains("does not exist");
    assertThat(m.served().get(0).leaf()).isEqualTo(serving);
    assertThat(meters.get("evertone.tls.reloads").tag("outcome", "refused").counter().count())
        .isEqualTo(3.0);
  }

  @Test
  void aChainThatRegisteredDevicesWouldRejectIsRefusedUnlessForced() {
    Path file = writeChain("sip.pem", goodRoot, "sip.example.com");
    CertificateManager m = manager(file);
    userAgents.put("Picky/2.1", 40);
    userAgents.put("Linphone/5", 3);
    assertThat(m.devicesByProfile()).containsEntry("picky", 40).containsEntry("modern", 3);

    writeChain("sip.pem", otherRoot, "sip.example.com");
    CertificateManager.Reload refused = m.reload(false);
    assertThat(refused.refused()).isTrue();
    assertThat(refused.messages().get(0))
        .startsWith("40 registered device(s) of profile 'picky' would reject 'sip.example.com'");

    CertificateManager.Reload forced = m.reload(true);
    assertThat(forced.outcome()).isEqualTo("activated");
    assertThat(forced.messages().get(0))
        .startsWith("forced although: 40 registered device(s) of profile 'picky'");

    userAgents.remove(
        "Picky/2.1"); // no picky device left: the same kind of change passes by itself
    writeChain("sip.pem", otherRoot, "sip.example.com");
    assertThat(m.reload(false).outcome()).isEqualTo("activated");
  }

  @Test
  void sniSelectsTheCertificateNamingTheHostAndTheFirstIsTheDefault() {
    CertificateManager m =
        manager(
            writeChain("a.pem", goodRoot, "a.example.com"),
            writeChain("b.pem", goodRoot, "*.tenant.example.com"));
    assertThat(Certificates.name(m.certificateFor("acme.tenant.example.com").leaf()))
        .isEqualTo("*.tenant.example.com");
    assertThat(Certificates.name(m.certificateFor("a.example.com").leaf()))
        .isEqualTo("a.example.com");
    assertThat(Certificates.name(m.certificateFor(null).leaf())).isEqualTo("a.example.com");
    assertThat(Certificates.name(m.certificateFor("unknown.example.org").leaf()))
        .isEqualTo("a.example.com");
    assertThat(m.mapping().map("acme.tenant.example.com"))
        .isNotSameAs(m.mapping().map("a.example.com"));
  }

  @Test
  void expiryIsPublishedAsAMetric() {
    CertificateManager m = manager(writeChain("sip.pem", goodRoot, "sip.example.com"));
    double seconds =
        meters
            .get("evertone.tls.certificate.expiry")
            .tag("certificate", "sip.example.com")
            .gauge()
            .value();
    assertThat(seconds)
        .isBetween(
            (double) Duration.ofDays(59).toSeconds(), (double) Duration.ofDays(60).toSeconds());
    m.warnOfExpiry(); // 60 days > 21: nothing to warn; the log line is checked in the server tests
  }

  @Test
  void startingWithoutAUsableCertificateFailsWithTheReason() {
    assertThatThrownBy(() -> manager()).hasMessageContaining("no certificate is configured");
    assertThatThrownBy(() -> manager(dir.resolve("nope.pem")))
        .hasMessageContaining("nope.pem does not exist");
  }

  private static TrustProfile profile(Map<String, TrustProfile> profiles, String name) {
    TrustProfile p = profiles.get(name);
    if (p == null) {
      throw new AssertionError("no profile '" + name + "' among " + profiles.keySet());
    }
    return p;
  }

  @Test
  void profilesLoadFromTheJarAndADirectory() throws Exception {
    Map<String, TrustProfile> builtIn = TrustProfiles.load(null);
    assertThat(builtIn).containsKeys("modern", "legacy-openssl-1.0");
    assertThat(profile(builtIn, "modern").roots()).isNotEmpty();
    assertThat(profile(builtIn, "legacy-openssl-1.0").pathBuilding())
        .isEqualTo(PathBuilding.LEGACY);

    Files.writeString(dir.resolve("oldphone-roots.pem"), TestPki.pem(null, goodRoot.cert()));
    Files.writeString(
        dir.resolve("oldphone.yaml"),
        """
        description: Old phones
        path-building: legacy
        user-agents: ['^OldPhone/1\\.']
        roots: oldphone-roots.pem
        """);
    Map<String, TrustProfile> all = TrustProfiles.load(dir);
    TrustProfile old = profile(all, "oldphone");
    assertThat(old.roots()).containsExactly(goodRoot.cert());
    assertThat(old.matches("OldPhone/1.4 build 7")).isTrue();
    assertThat(old.matches("OldPhone/2.0")).isFalse();

    Files.writeString(dir.resolve("bad.yaml"), "path-building: sideways\nroots: system\n");
    assertThatThrownBy(() -> TrustProfiles.load(dir))
        .hasMessageContaining("path-building must be modern or legacy, not 'sideways'");
    Files.writeString(
        dir.resolve("bad.yaml"), "path-building: modern\nroots: system\ncolour: blue\n");
    assertThatThrownBy(() -> TrustProfiles.load(dir))
        .hasMessageContaining("bad.yaml is not valid")
        .hasMessageContaining("colour");
    Files.writeString(
        dir.resolve("bad.yaml"), "path-building: modern\nroots: system\nuser-agents: ['(']\n");
    assertThatThrownBy(() -> TrustProfiles.load(dir))
        .hasMessageContaining("is not a regular expression");
  }
}
