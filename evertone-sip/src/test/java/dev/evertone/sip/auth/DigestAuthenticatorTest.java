package dev.evertone.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.sip.auth.DigestAuthenticator.Verdict;
import dev.evertone.sip.header.AuthHeader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DigestAuthenticatorTest {
  private static final String REALM = "example.com";
  private static final String PASSWORD = "s3cret;'\"%--";

  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(now.get());
        }
      };
  private static final String IP = "203.0.113.5";
  private final NonceService nonces = new NonceService(NonceService.randomSecret(), 300_000, clock);
  private final DigestAuthenticator auth =
      new DigestAuthenticator(nonces, List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), clock);

  @Test
  void rfc7616TestVectors() throws Exception {
    // RFC 7616 3.9.1 (HTTP example; the computation is the same for SIP)
    String common =
        "username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", "
            + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
            + "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, ";
    DigestCredentials md5 =
        DigestCredentials.from(
            AuthHeader.parse(
                "Digest "
                    + common
                    + "algorithm=MD5, response=\"8ca523f5e9506fed4657c9700eebdbec\""));
    String ha1Md5 = DigestAlgorithm.MD5.ha1("Mufasa", "http-auth@example.org", "Circle of Life");
    assertThat(md5.expectedResponse(ha1Md5, "GET")).isEqualTo("8ca523f5e9506fed4657c9700eebdbec");

    DigestCredentials sha =
        DigestCredentials.from(
            AuthHeader.parse(
                "Digest "
                    + common
                    + "algorithm=SHA-256, response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""));
    String ha1Sha =
        DigestAlgorithm.SHA_256.ha1("Mufasa", "http-auth@example.org", "Circle of Life");
    assertThat(sha.expectedResponse(ha1Sha, "GET"))
        .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  }

  @Test
  void rfc2617TestVector() throws Exception {
    DigestCredentials c =
        DigestCredentials.from(
            AuthHeader.parse(
                "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                    + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, nc=00000001, "
                    + "cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
    assertThat(c.algorithm()).isEqualTo(DigestAlgorithm.MD5);
    assertThat(
            c.expectedResponse(
                DigestAlgorithm.MD5.ha1("Mufasa", "testrealm@host.com", "Circle Of Life"), "GET"))
        .isEqualTo("6629fae49393a05397450978507c4ef1");
  }

  /** What a UA computes for the challenge: the same math as the server, done independently here. */
  private DigestCredentials answer(
      String challenge, DigestAlgorithm a, String user, String password, String nc)
      throws Exception {
    AuthHeader ch = AuthHeader.parse(challenge);
    String nonce = ch.param("nonce");
    String uri = "sip:" + REALM;
    String ha1 = a.hex(user + ":" + REALM + ":" + password);
    String ha2 = a.hex("REGISTER:" + uri);
    String response = a.hex(ha1 + ":" + nonce + ":" + nc + ":abc:auth:" + ha2);
    return DigestCredentials.from(
        AuthHeader.parse(
            "Digest username=\""
                + user
                + "\", realm=\""
                + REALM
                + "\", nonce=\""
                + nonce
                + "\", uri=\""
                + uri
                + "\", response=\""
                + response
                + "\", algorithm="
                + a.token()
                + ", qop=auth, nc="
                + nc
                + ", cnonce=\"abc\""));
  }

  private String ha1(DigestAlgorithm a) {
    return a.ha1("1001", REALM, PASSWORD);
  }

  @Test
  void challengesOfferEachAlgorithmWithOneNonce() {
    List<String> ch = auth.challenges(REALM, IP, false);
    assertThat(ch).hasSize(2);
    assertThat(ch.get(0))
        .contains("algorithm=SHA-256")
        .contains("qop=\"auth\"")
        .doesNotContain("stale");
    assertThat(ch.get(1)).contains("algorithm=MD5");
    assertThat(AuthHeader.parse(ch.get(0)).param("nonce"))
        .isEqualTo(AuthHeader.parse(ch.get(1)).param("nonce"));
    assertThat(auth.challenges(REALM, IP, true).get(0)).endsWith("stale=true");
  }

  @Test
  void rightPasswordPassesWithEitherAlgorithm() throws Exception {
    for (DigestAlgorithm a : List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5)) {
      DigestCredentials c =
          answer(auth.challenges(REALM, IP, false).get(0), a, "1001", PASSWORD, "00000001");
      assertThat(auth.verify(c, "REGISTER", REALM, IP, ha1(a))).isEqualTo(Verdict.OK);
    }
  }

  @Test
  void wrongPasswordAndUnknownUserFailAlike() throws Exception {
    String challenge = auth.challenges(REALM, IP, false).get(0);
    DigestCredentials wrong =
        answer(challenge, DigestAlgorithm.SHA_256, "1001", "guess", "00000001");
    assertThat(auth.verify(wrong, "REGISTER", REALM, IP, ha1(DigestAlgorithm.SHA_256)))
        .isEqualTo(Verdict.WRONG);
    DigestCredentials unknown =
        answer(challenge, DigestAlgorithm.SHA_256, "9999", PASSWORD, "00000001");
    assertThat(auth.verify(unknown, "REGISTER", REALM, IP, null)).isEqualTo(Verdict.WRONG);
  }

  @Test
  void expiredNonceWithRightDigestIsStale() throws Exception {
    DigestCredentials c =
        answer(
            auth.challenges(REALM, IP, false).get(0),
            DigestAlgorithm.MD5,
            "1001",
            PASSWORD,
            "00000001");
    now.addAndGet(300_001);
    assertThat(auth.verify(c, "REGISTER", REALM, IP, ha1(DigestAlgorithm.MD5)))
        .isEqualTo(Verdict.STALE);
  }

  @Test
  void aWrongDigestWithANonceWeDidNotIssueToThisAddressIsStaleNotAFailure() throws Exception {
    // forged, or issued to the address a spoofed packet claims: nothing that counts as a guess
    DigestCredentials forged =
        answer(
            "Digest realm=\"" + REALM + "\", nonce=\"bm90LW91cnM\", algorithm=MD5",
            DigestAlgorithm.MD5,
            "1001",
            "guess",
            "00000001");
    assertThat(auth.verify(forged, "REGISTER", REALM, IP, ha1(DigestAlgorithm.MD5)))
        .isEqualTo(Verdict.STALE);
    DigestCredentials elsewhere =
        answer(
            auth.challenges(REALM, "198.51.100.9", false).get(0),
            DigestAlgorithm.MD5,
            "1001",
            "guess",
            "00000001");
    assertThat(auth.verify(elsewhere, "REGISTER", REALM, IP, ha1(DigestAlgorithm.MD5)))
        .isEqualTo(Verdict.STALE);
    // the same nonce from the address it was issued to: a real failure
    assertThat(auth.verify(elsewhere, "REGISTER", REALM, "198.51.100.9", ha1(DigestAlgorithm.MD5)))
        .isEqualTo(Verdict.WRONG);
    // and an expired one of ours, whatever the digest, is only stale
    DigestCredentials old =
        answer(
            auth.challenges(REALM, IP, false).get(0),
            DigestAlgorithm.MD5,
            "1001",
            "guess",
            "00000001");
    now.addAndGet(300_001);
    assertThat(auth.verify(old, "REGISTER", REALM, IP, ha1(DigestAlgorithm.MD5)))
        .isEqualTo(Verdict.STALE);
  }

  @Test
  void nonceOfAnotherServerSecretIsStaleNotAccepted() throws Exception {
    NonceService other = new NonceService(NonceService.randomSecret(), 300_000, clock);
    String foreign =
        new DigestAuthenticator(other, List.of(DigestAlgorithm.MD5), clock)
            .challenges(REALM, IP, false)
            .get(0);
    DigestCredentials c = answer(foreign, DigestAlgorithm.MD5, "1001", PASSWORD, "00000001");
    assertThat(auth.verify(c, "REGISTER", REALM, IP, ha1(DigestAlgorithm.MD5)))
        .isEqualTo(Verdict.STALE);
  }

  @Test
  void replayedNonceCountIsStaleButNewCountsPass() throws Exception {
    String challenge = auth.challenges(REALM, IP, false).get(0);
    DigestCredentials first =
        answer(challenge, DigestAlgorithm.SHA_256, "1001", PASSWORD, "00000001");
    assertThat(auth.verify(first, "REGISTER", REALM, IP, ha1(DigestAlgorithm.SHA_256)))
        .isEqualTo(Verdict.OK);
    assertThat(auth.verify(first, "REGISTER", REALM, IP, ha1(DigestAlgorithm.SHA_256)))
        .isEqualTo(Verdict.STALE);
    DigestCredentials third =
        answer(challenge, DigestAlgorithm.SHA_256, "1001", PASSWORD, "00000003");
    assertThat(auth.verify(third, "REGISTER", REALM, IP, ha1(DigestAlgorithm.SHA_256)))
        .isEqualTo(Verdict.OK);
    // slightly out of order is fine, once
    DigestCredentials second =
        answer(challenge, DigestAlgorithm.SHA_256, "1001", PASSWORD, "00000002");
    assertThat(auth.verify(second, "REGISTER", REALM, IP, ha1(DigestAlgorithm.SHA_256)))
        .isEqualTo(Verdict.OK);
    assertThat(auth.verify(second, "REGISTER", REALM, IP, ha1(DigestAlgorithm.SHA_256)))
        .isEqualTo(Verdict.STALE);
  }

  @Test
  void credentialsForAnotherRealmOrAlgorithmNeedANewChallenge() throws Exception {
    DigestCredentials c =
        answer(
            auth.challenges(REALM, IP, false).get(0),
            DigestAlgorithm.MD5,
            "1001",
            PASSWORD,
            "00000001");
    assertThat(auth.verify(c, "REGISTER", "other.example.com", IP, ha1(DigestAlgorithm.MD5)))
        .isEqualTo(Verdict.NOT_APPLICABLE);
    DigestAuthenticator shaOnly =
        new DigestAuthenticator(nonces, List.of(DigestAlgorithm.SHA_256), clock);
    assertThat(shaOnly.verify(c, "REGISTER", REALM, IP, ha1(DigestAlgorithm.MD5)))
        .isEqualTo(Verdict.NOT_APPLICABLE);
  }

  @Test
  void malformedCredentialsAreRejected() {
    assertThatThrownBy(
            () ->
                DigestCredentials.from(
                    AuthHeader.parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"")))
        .isInstanceOfSatisfying(
            DigestCredentials.Unusable.class, e -> assertThat(e.malformed()).isTrue());
    assertThatThrownBy(
            () ->
                DigestCredentials.from(
                    AuthHeader.parse(
                        "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"zz\", algorithm=MD5")))
        .isInstanceOfSatisfying(
            DigestCredentials.Unusable.class, e -> assertThat(e.malformed()).isTrue());
    assertThatThrownBy(
            () ->
                DigestCredentials.from(
                    AuthHeader.parse(
                        "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"6629fae49393a05397450978507c4ef1\", qop=auth, nc=1, cnonce=\"c\"")))
        .isInstanceOfSatisfying(
            DigestCredentials.Unusable.class, e -> assertThat(e.malformed()).isTrue());
    assertThatThrownBy(
            () ->
                DigestCredentials.from(
                    AuthHeader.parse(
                        "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5-sess")))
        .isInstanceOfSatisfying(
            DigestCredentials.Unusable.class, e -> assertThat(e.malformed()).isFalse());
    assertThatThrownBy(
            () -> DigestCredentials.from(AuthHeader.parse("NoOneKnowsThisScheme opaque-data=here")))
        .isInstanceOfSatisfying(
            DigestCredentials.Unusable.class, e -> assertThat(e.malformed()).isFalse());
  }

  @Test
  void noncesAreBoundToTheirScopeAndTamperEvident() {
    String nonce = nonces.create(REALM);
    assertThat(nonces.check(nonce, REALM)).isEqualTo(NonceService.Check.VALID);
    assertThat(nonces.check(nonce, "other.example.com")).isEqualTo(NonceService.Check.INVALID);
    char[] tampered = nonce.toCharArray();
    tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
    assertThat(nonces.check(new String(tampered), REALM)).isEqualTo(NonceService.Check.INVALID);
    assertThat(nonces.check("not base64 !", REALM)).isEqualTo(NonceService.Check.INVALID);
    assertThat(nonces.check("", REALM)).isEqualTo(NonceService.Check.INVALID);
  }

  @Test
  void failureLimiterBlocksAfterTheLimitAndForgets() {
    FailureLimiter limiter = new FailureLimiter(3, 60_000, 300_000, 2);
    long t = 0;
    assertThat(limiter.recordFailure("1.2.3.4", t)).isFalse();
    assertThat(limiter.recordFailure("1.2.3.4", t + 1)).isFalse();
    assertThat(limiter.isBlocked("1.2.3.4", t + 2)).isFalse();
    assertThat(limiter.recordFailure("1.2.3.4", t + 2)).isTrue();
    assertThat(limiter.isBlocked("1.2.3.4", t + 3)).isTrue();
    assertThat(limiter.isBlocked("1.2.3.4", t + 300_003)).isFalse();
    // bounded: a third key is not tracked while two live ones fill the table
    limiter.recordFailure("5.6.7.8", t + 10);
    limiter.recordFailure("9.9.9.9", t + 11);
    assertThat(limiter.trackedKeys()).isEqualTo(2);
    limiter.purge(t + 400_000);
    assertThat(limiter.trackedKeys()).isZero();
  }
}
