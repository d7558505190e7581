package dev.evertone.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.tls.testing.TestPki;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  @TempDir Path dir;
  private final Instant now = Instant.now();
  private final TestPki.Issued ca =
      TestPki.root("Test CA", now.minus(1, ChronoUnit.DAYS), now.plus(365, ChronoUnit.DAYS));

  @Test
  void readsRsaKeysAsPkcs8AndAsPkcs1() {
    KeyPair rsa = TestPki.rsa();
    TestPki.Issued leaf =
        TestPki.leaf(
            rsa,
            ca,
            now.minus(1, ChronoUnit.HOURS),
            now.plus(90, ChronoUnit.DAYS),
            "sip.example.com");
    Path pkcs8 =
        TestPki.write(
            dir.resolve("pkcs8.pem"), TestPki.pem(rsa.getPrivate(), leaf.cert(), ca.cert()));
    Path chain = TestPki.write(dir.resolve("chain.pem"), TestPki.pem(null, leaf.cert(), ca.cert()));
    Path pkcs1 = TestPki.write(dir.resolve("pkcs1.key"), TestPki.traditionalPem(rsa.getPrivate()));
    assertThat(TestPki.traditionalPem(rsa.getPrivate()))
        .startsWith("-----BEGIN RSA PRIVATE KEY-----");

    Pem.Contents both = Pem.read(pkcs8);
    assertThat(both.certificates()).containsExactly(leaf.cert(), ca.cert());
    assertThat(
            Certificates.keyMatches(
                leaf.cert(), Objects.requireNonNull(both.key(), "the file holds the key")))
        .isTrue();
    ServedCertificate served = ServedCertificate.load(new CertificateSource(chain, pkcs1), now);
    assertThat(served.chain()).hasSize(2);
    assertThat(Certificates.keyDescription(served.leaf().getPublicKey())).isEqualTo("RSA 2048");
  }

  @Test
  void readsEcKeysInTheirTraditionalForm() {
    KeyPair ec = TestPki.ec();
    TestPki.Issued leaf =
        TestPki.leaf(
            ec,
            ca,
            now.minus(1, ChronoUnit.HOURS),
            now.plus(90, ChronoUnit.DAYS),
            "sip.example.com");
    Path chain = TestPki.write(dir.resolve("chain.pem"), TestPki.pem(null, leaf.cert()));
    Path key = TestPki.write(dir.resolve("ec.key"), TestPki.traditionalPem(ec.getPrivate()));
    assertThat(TestPki.traditionalPem(ec.getPrivate()))
        .startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(
            Certificates.keyDescription(
                ServedCertificate.load(new CertificateSource(chain, key), now)
                    .leaf()
                    .getPublicKey()))
        .isEqualTo("EC 256");
  }

  @Test
  void refusesWhatCannotBeServedWithTheReason() {
    KeyPair ec = TestPki.ec();
    TestPki.Issued leaf =
        TestPki.leaf(
            ec,
            ca,
            now.minus(1, ChronoUnit.HOURS),
            now.plus(90, ChronoUnit.DAYS),
            "sip.example.com");
    Path garbage =
        TestPki.write(
            dir.resolve("garbage.pem"),
            "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> Pem.read(garbage))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("is not a readable PEM file");
    assertThatThrownBy(() -> Pem.read(dir.resolve("missing.pem")))
        .hasMessageEndingWith("missing.pem does not exist");
    Path noCert = TestPki.write(dir.resolve("key-only.pem"), TestPki.pem(ec.getPrivate()));
    assertThatThrownBy(() -> ServedCertificate.load(new CertificateSource(noCert, null), now))
        .hasMessageContaining("holds no certificate");
    Path noKey = TestPki.write(dir.resolve("cert-only.pem"), TestPki.pem(null, leaf.cert()));
    assertThatThrownBy(() -> ServedCertificate.load(new CertificateSource(noKey, null), now))
        .hasMessageContaining("holds no private key: give the key file after the chain file");
    Path otherKey = TestPki.write(dir.resolve("other.key"), TestPki.pem(TestPki.ec().getPrivate()));
    assertThatThrownBy(() -> ServedCertificate.load(new CertificateSource(noKey, otherKey), now))
        .hasMessageContaining(
            "the private key does not belong to the certificate 'sip.example.com'");
    Path reversed =
        TestPki.write(
            dir.resolve("reversed.pem"), TestPki.pem(ec.getPrivate(), ca.cert(), leaf.cert()));
    assertThatThrownBy(() -> ServedCertificate.load(new CertificateSource(reversed, null), now))
        .hasMessageContaining("list the leaf first, then each issuer in order");
    Path encrypted =
        TestPki.write(dir.resolve("enc.pem"), TestPki.encryptedPem(ec.getPrivate(), "passphrase"));
    assertThatThrownBy(() -> Pem.read(encrypted))
        .hasMessageContaining("encrypted private key")
        .hasMessageContaining("openssl pkey");
  }

  @Test
  void refusesExpiredAndNotYetValidCertificates() {
    KeyPair ec = TestPki.ec();
    TestPki.Issued expired =
        TestPki.leaf(
            ec,
            ca,
            now.minus(100, ChronoUnit.DAYS),
            now.minus(10, ChronoUnit.DAYS),
            "sip.example.com");
    Path f =
        TestPki.write(dir.resolve("expired.pem"), TestPki.pem(ec.getPrivate(), expired.cert()));
    assertThatThrownBy(() -> ServedCertificate.load(new CertificateSource(f, null), now))
        .hasMessageContaining("'sip.example.com' expired on");
    TestPki.Issued future =
        TestPki.leaf(
            ec,
            ca,
            now.plus(10, ChronoUnit.DAYS),
            now.plus(100, ChronoUnit.DAYS),
            "sip.example.com");
    Path g = TestPki.write(dir.resolve("future.pem"), TestPki.pem(ec.getPrivate(), future.cert()));
    assertThatThrownBy(() -> ServedCertificate.load(new CertificateSource(g, null), now))
        .hasMessageContaining("not valid before");
  }

  @Test
  void hostNamesMatchAsRfc6125Says() {
    TestPki.Issued leaf =
        TestPki.leaf(
            TestPki.ec(),
            ca,
            now,
            now.plus(1, ChronoUnit.DAYS),
            "sip.example.com",
            "*.tenant.example.com",
            "192.0.2.7");
    assertThat(Certificates.matchesHost(leaf.cert(), "SIP.Example.com.")).isTrue();
    assertThat(Certificates.matchesHost(leaf.cert(), "acme.tenant.example.com")).isTrue();
    assertThat(Certificates.matchesHost(leaf.cert(), "a.b.tenant.example.com")).isFalse();
    assertThat(Certificates.matchesHost(leaf.cert(), "tenant.example.com")).isFalse();
    assertThat(Certificates.matchesHost(leaf.cert(), "192.0.2.7")).isTrue();
    assertThat(Certificates.matchesHost(leaf.cert(), "example.com")).isFalse();
  }

  @Test
  void aCertificateSpecNamesTheChainAndOptionallyTheKey() {
    assertThat(CertificateSource.parse(" fullchain.pem  privkey.pem "))
        .isEqualTo(new CertificateSource(Path.of("fullchain.pem"), Path.of("privkey.pem")));
    assertThat(CertificateSource.parse("both.pem").keyFile()).isNull();
    assertThatThrownBy(() -> CertificateSource.parse("a b c"))
        .hasMessageContaining("'CHAIN-FILE [KEY-FILE]'");
    assertThatThrownBy(() -> CertificateSource.parse(" "))
        .hasMessageContaining("'CHAIN-FILE [KEY-FILE]'");
  }
}
