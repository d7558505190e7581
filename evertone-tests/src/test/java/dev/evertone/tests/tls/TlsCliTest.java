package dev.evertone.tests.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.tests.support.Cli;
import dev.evertone.tls.testing.Pki2021;
import dev.evertone.tls.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evertone tls check} on the September 2021 case, rebuilt with test CAs. */
class TlsCliTest {
  @TempDir Path dir;
  private final Pki2021 pki = new Pki2021();
  private Path compatible;
  private Path alternative;

  private Cli.Result run(String... args) {
    return Cli.execute(Map.of("EVERTONE_DATA_DIR", dir.resolve("data").toString()), "", args);
  }

  @BeforeEach
  void files() throws Exception {
    compatible =
        TestPki.write(
            dir.resolve("compatible.pem"),
            TestPki.pem(
                pki.leafKeys.getPrivate(),
                pki.compatibleChain().toArray(java.security.cert.X509Certificate[]::new)));
    alternative =
        TestPki.write(
            dir.resolve("alternative.pem"),
            TestPki.pem(
                pki.leafKeys.getPrivate(),
                pki.alternativeChain().toArray(java.security.cert.X509Certificate[]::new)));
    Path profiles = Files.createDirectories(dir.resolve("profiles"));
    Files.writeString(
        profiles.resolve("roots-2021.pem"),
        TestPki.pem(null, pki.oldRoot.cert(), pki.newRoot.cert()));
    Files.writeString(
        profiles.resolve("oldphone.yaml"),
        "description: OpenSSL 1.0.2 firmware\npath-building: legacy\nroots: roots-2021.pem\n");
    Files.writeString(
        profiles.resolve("newphone.yaml"),
        "description: OpenSSL 1.1 firmware\npath-building: modern\nroots: roots-2021.pem\n");
  }

  private Cli.Result check(Path chain, String at) {
    return run(
        "tls",
        "check",
        "--set",
        "tls.profiles-dir=" + dir.resolve("profiles"),
        "--certificate",
        chain.toString(),
        "--at",
        at,
        "--host",
        "sip.example.com",
        "--profile",
        "oldphone",
        "--profile",
        "newphone");
  }

  @Test
  void theCompatibleChainPassesBeforeTheOldRootExpiresAndFailsLegacyDevicesAfter() {
    Cli.Result before = check(compatible, "2021-09-15");
    assertThat(before.code()).as(before.out() + before.err()).isZero();
    assertThat(before.out())
        .contains(
            "profile oldphone: accepts, path 'sip.example.com' (issued by R3) -> 'R3' (issued by ISRG Root X1)"
                + " -> 'ISRG Root X1' (issued by DST Root CA X3) -> 'DST Root CA X3' (self-signed)");

    Cli.Result after = check(compatible, "2021-10-15");
    assertThat(after.code()).isEqualTo(2);
    assertThat(after.out())
        .contains("checked at 2021-10-15T00:00:00Z")
        .contains("host sip.example.com: matches")
        .contains(
            "profile oldphone: REJECTS: 'DST Root CA X3' (self-signed) expired on 2021-09-30T14:01:15Z")
        .contains(
            "profile newphone: accepts, path 'sip.example.com' (issued by R3) -> 'R3' (issued by ISRG Root X1) -> 'ISRG Root X1'"
                + " (self-signed)")
        .contains("profile oldphone: OpenSSL 1.0.2 firmware [legacy path building, 2 roots");
  }

  @Test
  void theAlternativeChainPassesBothFamiliesAfterTheExpiry() {
    Cli.Result after = check(alternative, "2021-10-15T12:00:00Z");
    assertThat(after.code()).as(after.out()).isZero();
    assertThat(after.out()).doesNotContain("REJECTS");
  }

  @Test
  void aKeyThatIsNotTheChainsIsRefusedAsAReloadWouldRefuseIt() throws Exception {
    Path chain =
        TestPki.write(
            dir.resolve("chain.pem"),
            TestPki.pem(
                null, pki.compatibleChain().toArray(java.security.cert.X509Certificate[]::new)));
    Path otherKey =
        TestPki.write(dir.resolve("other-key.pem"), TestPki.pem(TestPki.ec().getPrivate()));
    Cli.Result r = check(Path.of(chain + " " + otherKey), "2021-09-15");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.out())
        .contains("REFUSED: the private key does not belong to the certificate 'sip.example.com'");
    Files.writeString(
        otherKey, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
    Cli.Result malformed = check(Path.of(chain + " " + otherKey), "2021-09-15");
    assertThat(malformed.err()).startsWith("error: ").doesNotContain("dev.evertone", "Exception");
  }

  @Test
  void mistakesGetAClearError() {
    Cli.Result unknown =
        run(
            "tls",
            "check",
            "--certificate",
            compatible.toString(),
            "--profile",
            "nosuch",
            "--host",
            "x");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err())
        .contains("unknown trust profile 'nosuch'; known: modern, legacy-openssl-1.0");
    Cli.Result none = run("tls", "check", "--host", "x");
    assertThat(none.err()).contains("no certificate to check: set tls.certificates");
    Cli.Result badDate =
        run(
            "tls",
            "check",
            "--certificate",
            compatible.toString(),
            "--at",
            "someday",
            "--host",
            "x");
    assertThat(badDate.err()).contains("'someday' is not a time");
    Cli.Result noServer = run("tls", "reload");
    assertThat(noServer.err()).contains("tls reload talks to a running server: give --server URL");
    assertThat(run("tls", "--help").out()).contains("check").contains("reload");
  }
}
