package dev.evertone.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.tls.testing.Pki2021;
import dev.evertone.tls.testing.TestPki;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
  private final Pki2021 pki = new Pki2021();
  private final TrustProfile legacy = profile("legacy", PathBuilding.LEGACY, pki.roots());
  private final TrustProfile modern = profile("modern", PathBuilding.MODERN, pki.roots());

  static TrustProfile profile(String name, PathBuilding building, List<X509Certificate> roots) {
    return new TrustProfile(name, "", building, roots, List.of(), "test");
  }

  @Test
  void beforeTheOldRootExpiresBothFamiliesAcceptTheCompatibleChain() {
    assertThat(ChainVerifier.verify(pki.compatibleChain(), legacy, Pki2021.BEFORE).accepted())
        .isTrue();
    assertThat(ChainVerifier.verify(pki.compatibleChain(), modern, Pki2021.BEFORE).accepted())
        .isTrue();
  }

  @Test
  void
      afterTheOldRootExpiresTheLegacyFamilyRejectsTheCompatibleChainAndTheModernOneFindsTheOtherPath() {
    ChainVerifier.Verdict old = ChainVerifier.verify(pki.compatibleChain(), legacy, Pki2021.AFTER);
    assertThat(old.accepted()).isFalse();
    assertThat(old.reason())
        .contains("'DST Root CA X3' (self-signed) expired on 2021-09-30T14:01:15Z");
    assertThat(old.path())
        .containsExactly(
            pki.leaf.cert(), pki.intermediate.cert(), pki.crossSigned.cert(), pki.oldRoot.cert());

    ChainVerifier.Verdict current =
        ChainVerifier.verify(pki.compatibleChain(), modern, Pki2021.AFTER);
    assertThat(current.accepted()).isTrue();
    assertThat(current.path())
        .containsExactly(pki.leaf.cert(), pki.intermediate.cert(), pki.newRoot.cert());
  }

  @Test
  void servingTheAlternativeChainPassesBothFamilies() {
    assertThat(ChainVerifier.verify(pki.alternativeChain(), legacy, Pki2021.AFTER).accepted())
        .isTrue();
    assertThat(ChainVerifier.verify(pki.alternativeChain(), modern, Pki2021.AFTER).accepted())
        .isTrue();
  }

  @Test
  void aDeviceThatLacksTheNewRootFailsOnTheAlternativeChainWhateverItsStack() {
    TrustProfile oldStore = profile("old-store", PathBuilding.MODERN, List.of(pki.oldRoot.cert()));
    ChainVerifier.Verdict v =
        ChainVerifier.verify(pki.alternativeChain(), oldStore, Pki2021.BEFORE);
    assertThat(v.accepted()).isFalse();
    assertThat(v.reason()).contains("no trusted root issued 'R3'");
  }

  @Test
  void anExpiredOrNotYetValidLeafIsRejectedByEveryFamily() {
    Instant later = Instant.parse("2022-01-01T00:00:00Z");
    assertThat(ChainVerifier.verify(pki.alternativeChain(), modern, later).reason())
        .contains("'sip.example.com'")
        .contains("expired on 2021-11-18");
    assertThat(ChainVerifier.verify(pki.alternativeChain(), legacy, later).accepted()).isFalse();
    Instant earlier = Instant.parse("2021-08-01T00:00:00Z");
    assertThat(ChainVerifier.verify(pki.alternativeChain(), modern, earlier).reason())
        .contains("not valid before");
  }

  @Test
  void aChainFromAnUnknownCaIsRejectedWithTheCertificateNamed() {
    TestPki.Issued strange =
        TestPki.root(
            "Strange CA",
            Instant.parse("2020-01-01T00:00:00Z"),
            Instant.parse("2030-01-01T00:00:00Z"));
    TestPki.Issued leaf =
        TestPki.leaf(
            TestPki.ec(),
            strange,
            Instant.parse("2021-01-01T00:00:00Z"),
            Instant.parse("2022-01-01T00:00:00Z"),
            "sip.example.com");
    List<X509Certificate> chain = List.of(leaf.cert(), strange.cert());
    assertThat(ChainVerifier.verify(chain, legacy, Pki2021.BEFORE).reason())
        .contains("ends at 'Strange CA' (self-signed), which is not a trusted root");
    assertThat(ChainVerifier.verify(chain, modern, Pki2021.BEFORE).reason())
        .contains("no trusted root issued");
  }

  @Test
  void theReportShowsTheCaseAtADate() {
    TlsCheck check =
        TlsCheck.of(
            "fullchain.pem",
            pki.compatibleChain(),
            Pki2021.AFTER,
            List.of("sip.example.com", "other.example.com"),
            List.of(modern, legacy),
            java.util.Map.of("legacy", 1200));
    String text = check.render();
    assertThat(check.ok()).isFalse();
    assertThat(text)
        .contains("CN=R3")
        .contains("host sip.example.com: matches")
        .contains("host other.example.com: NOT NAMED")
        .contains(
            "profile modern: accepts, path 'sip.example.com' (issued by R3) -> 'R3' (issued by ISRG Root X1) -> 'ISRG Root X1' (self-signed)")
        .contains(
            "profile legacy (1200 registered devices): REJECTS: 'DST Root CA X3' (self-signed) expired on 2021-09-30");
    assertThat(
            TlsCheck.of(
                    "alt.pem",
                    pki.alternativeChain(),
                    Pki2021.AFTER,
                    List.of("sip.example.com"),
                    List.of(modern, legacy),
                    java.util.Map.of())
                .ok())
        .isTrue();
  }
}
