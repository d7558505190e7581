package dev.evertone.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.evertone.sip.Torture;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.AuthHeader;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.Flow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * RFC 3261 10.3, rule by rule, through real sockets, a real store and an independent digest client.
 */
class RegistrarTest {
  private static final String PASSWORD = "Tr0ub4dor&3;'\"";

  @TempDir Path dir;
  private RegistrarHarness h;
  private final ListAppender<ILoggingEvent> securityLog = new ListAppender<>();

  @BeforeEach
  void start() throws Exception {
    startWith(RegistrarConfig.DEFAULT);
  }

  private int runs;

  /** A fresh registrar with these guessing limits (per source, per account). */
  private void restartWithLimits(
      RegistrarConfig.FailureLimits perSource, RegistrarConfig.FailureLimits perAccount)
      throws Exception {
    h.close();
    startWith(new RegistrarConfig(60, 7200, 3600, 10, perSource, perAccount, 0));
  }

  private void startWith(RegistrarConfig config) throws Exception {
    h = new RegistrarHarness(dir.resolve("run" + runs++), config);
    h.addDevice("1001", PASSWORD);
    h.addDevice("1002", "other-password");
    Logger security = (Logger) LoggerFactory.getLogger("evertone.security");
    securityLog.start();
    security.addAppender(securityLog);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger("evertone.security")).detachAppender(securityLog);
    h.close();
  }

  private TestPhone phone(String user, String password) throws Exception {
    return TestPhone.udp(h.udp(), user, "example.com", password);
  }

  private static List<String> contacts(SipResponse r) {
    return r.contacts().stream().map(a -> a.uri().toString()).toList();
  }

  private static long expiresOf(SipResponse r, String contactUri) {
    for (Address a : r.contacts()) {
      if (a.uri().toString().equals(contactUri)) {
        return Long.parseLong(a.param("expires"));
      }
    }
    throw new AssertionError("no contact " + contactUri + " in " + r);
  }

  @Test
  @DisplayName(
      "a REGISTER without credentials is challenged with SHA-256 and MD5, most preferred first")
  void challenge() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      SipResponse r = p.send(p.request(List.of(p.contact()), 3600, null));
      assertThat(r.status()).isEqualTo(401);
      List<AuthHeader> challenges = r.authHeaders("WWW-Authenticate");
      assertThat(challenges)
          .extracting(c -> c.param("algorithm"))
          .containsExactly("SHA-256", "MD5");
      assertThat(challenges)
          .allSatisfy(
              c -> {
                assertThat(c.param("realm")).isEqualTo("example.com");
                assertThat(c.param("qop")).isEqualTo("auth");
              });
      assertThat(r.to().tag()).isNotNull();
      assertThat(h.location.lookup("sip:1001@example.com")).isEmpty();
      assertThat(h.outcome("challenged")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "the right password registers the contact: 200 lists it with expires, a Date and a To tag")
  void registers() throws Exception {
    for (String algorithm : List.of("MD5", "SHA-256")) {
      try (TestPhone p = phone("1001", PASSWORD)) {
        p.algorithm = algorithm;
        SipResponse r = p.register(3600);
        assertThat(r.status()).as(algorithm).isEqualTo(200);
        String contact = "sip:1001@127.0.0.1:" + p.localPort();
        assertThat(contacts(r)).contains(contact);
        assertThat(expiresOf(r, contact)).isEqualTo(3600);
        assertThat(r.header("Date")).endsWith("GMT");
        assertThat(r.to().tag()).isNotNull();
        assertThat(h.location.lookup("sip:1001@example.com"))
            .extracting(Binding::contact)
            .contains(contact);
      }
    }
    assertThat(h.outcome("registered")).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a wrong password gets 403, no binding, and a log line with the source but no secret")
  void wrongPassword() throws Exception {
    try (TestPhone p = phone("1001", "guess")) {
      SipResponse r = p.register(3600);
      assertThat(r.status()).isEqualTo(403);
      assertThat(h.location.lookup("sip:1001@example.com")).isEmpty();
      assertThat(securityLog.list)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getFormattedMessage())
                    .startsWith(
                        "authentication failed for 1001@example.com from 127.0.0.1 port "
                            + p.localPort()
                            + " (udp): wrong password")
                    .doesNotContain("guess")
                    .doesNotContain(PASSWORD);
              });
      assertThat(h.outcome("auth_failed")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("an unknown user cannot be told from a known one: same challenge, same 403")
  void enumerationResistance() throws Exception {
    try (TestPhone known = phone("1001", "wrong");
        TestPhone unknown = phone("7777", "wrong")) {
      SipResponse c1 = known.send(known.request(List.of(known.contact()), 3600, null));
      SipResponse c2 = unknown.send(unknown.request(List.of(unknown.contact()), 3600, null));
      assertThat(shape(c1)).isEqualTo(shape(c2));
      SipResponse f1 =
          known.send(known.request(List.of(known.contact()), 3600, known.authorize(c1)));
      SipResponse f2 =
          unknown.send(unknown.request(List.of(unknown.contact()), 3600, unknown.authorize(c2)));
      assertThat(f1.status()).isEqualTo(403);
      assertThat(shape(f1)).isEqualTo(shape(f2));
    }
  }

  /** Status line and header names, with the values that differ per request masked. */
  private static String shape(SipResponse r) {
    return r.startLine()
        + " "
        + r.headers().stream().map(HeaderField::name).collect(Collectors.joining(","))
        + " "
        + r.authHeaders("WWW-Authenticate").stream()
            .map(a -> a.param("realm") + "/" + a.param("algorithm"))
            .toList();
  }

  @Test
  @DisplayName(
      "Expires: the contact parameter wins over the header, the header over the default (3600)")
  void expiresRules() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      String a = "<sip:1001@192.0.2.1:5060>;expires=120";
      String b = "<sip:1001@192.0.2.2:5060>";
      SipResponse r = p.register(List.of(a, b), 600);
      assertThat(expiresOf(r, "sip:1001@192.0.2.1:5060")).isEqualTo(120);
      assertThat(expiresOf(r, "sip:1001@192.0.2.2:5060")).isEqualTo(600);
      SipResponse d = p.register(List.of("<sip:1001@192.0.2.3:5060>"), null);
      assertThat(expiresOf(d, "sip:1001@192.0.2.3:5060")).isEqualTo(3600);
    }
  }

  @Test
  @DisplayName(
      "with registrar.expires-range, granted intervals are spread below the asked one (never below Min-Expires)")
  void expiresAreSpread() throws Exception {
    startWith(RegistrarConfig.DEFAULT.withExpiresRange(20));
    java.util.Set<Long> granted = new java.util.TreeSet<>();
    try (TestPhone p = phone("1001", PASSWORD)) {
      for (int i = 0; i < 40; i++) {
        SipResponse r = p.register(List.of("<sip:1001@192.0.2.1:5060>"), 1000);
        granted.add(expiresOf(r, "sip:1001@192.0.2.1:5060"));
        // the binding expires when the 200 says, so the device refreshes in time
        assertThat(h.location.lookup("sip:1001@example.com").get(0).secondsLeft(h.clock.millis()))
            .isEqualTo(expiresOf(r, "sip:1001@192.0.2.1:5060"));
      }
      assertThat(granted).allSatisfy(e -> assertThat(e).isBetween(800L, 1000L));
      assertThat(granted).as("spread, not one value").hasSizeGreaterThan(5);
      assertThat(
              expiresOf(
                  p.register(List.of("<sip:1001@192.0.2.2:5060>"), 60), "sip:1001@192.0.2.2:5060"))
          .isEqualTo(60);
    }
  }

  @Test
  @DisplayName(
      "an interval below Min-Expires gets 423 with Min-Expires; one above the maximum is shortened")
  void minAndMaxExpires() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      SipResponse brief = p.register(30);
      assertThat(brief.status()).isEqualTo(423);
      assertThat(brief.header("Min-Expires")).isEqualTo("60");
      assertThat(h.location.lookup("sip:1001@example.com")).isEmpty();
      SipResponse longer = p.register(100_000);
      assertThat(longer.status()).isEqualTo(200);
      assertThat(expiresOf(longer, "sip:1001@127.0.0.1:" + p.localPort())).isEqualTo(7200);
      // RFC 4475 3.1.2.4: an absurd expiry is read as 2**32-1, then shortened
      SipResponse absurd = p.register(List.of(p.contact() + ";expires=280297596632815"), null);
      assertThat(expiresOf(absurd, "sip:1001@127.0.0.1:" + p.localPort())).isEqualTo(7200);
    }
  }

  @Test
  @DisplayName(
      "several contacts per AOR; the 200 lists every current binding; q-values are kept and ordered")
  void severalContactsAndQ() throws Exception {
    try (TestPhone desk = phone("1001", PASSWORD);
        TestPhone soft = phone("1001", PASSWORD)) {
      desk.register(List.of("<sip:1001@192.0.2.10>;q=0.5", "<sip:1001@192.0.2.11>;q=1"), 3600);
      SipResponse r = soft.register(List.of("<sip:1001@192.0.2.12>;q=0.75"), 3600);
      assertThat(contacts(r))
          .containsExactlyInAnyOrder(
              "sip:1001@192.0.2.10", "sip:1001@192.0.2.11", "sip:1001@192.0.2.12");
      assertThat(r.contacts())
          .filteredOn(a -> a.uri().toString().endsWith(".12"))
          .singleElement()
          .satisfies(a -> assertThat(a.param("q")).isEqualTo("0.75"));
      assertThat(h.location.lookup("sip:1001@example.com"))
          .extracting(Binding::contact)
          .containsExactly("sip:1001@192.0.2.11", "sip:1001@192.0.2.12", "sip:1001@192.0.2.10");
      SipResponse bad = desk.register(List.of("<sip:1001@192.0.2.13>;q=1.5"), 3600);
      assertThat(bad.status()).isEqualTo(400);
    }
  }

  @Test
  @DisplayName(
      "a refresh updates the binding in place; a fetch (no Contact) lists without changing")
  void refreshAndFetch() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      p.register(3600);
      long first = h.location.lookup("sip:1001@example.com").get(0).registeredAt();
      h.clock.advanceSeconds(100);
      SipResponse r = p.register(1800);
      assertThat(r.contacts()).hasSize(1);
      Binding b = h.location.lookup("sip:1001@example.com").get(0);
      assertThat(b.registeredAt()).isEqualTo(first);
      assertThat(b.secondsLeft(h.clock.millis())).isEqualTo(1800);
      SipResponse fetch = p.register(List.of(), null);
      assertThat(fetch.status()).isEqualTo(200);
      assertThat(fetch.contacts()).hasSize(1);
      assertThat(h.location.size()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "same Call-ID with a CSeq not above the binding's: the request fails and nothing changes")
  void outOfOrderCseq() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      p.register(3600);
      long cseq = p.cseq;
      p.cseq = cseq - 2; // the next request carries CSeq cseq-1: lower than the binding's
      SipResponse r = p.register(List.of(p.contact()), 0);
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.reason()).contains("out of order");
      assertThat(h.location.lookup("sip:1001@example.com")).hasSize(1);
      // a different Call-ID may use any CSeq (RFC 3261 10.3 step 7)
      p.callId = "another-call-id";
      p.cseq = 0;
      assertThat(p.register(List.of(p.contact()), 0).status()).isEqualTo(200);
      assertThat(h.location.lookup("sip:1001@example.com")).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "expires=0 removes one contact; Contact: * with Expires: 0 removes all; * without Expires: 0 is 400")
  void removals() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      p.register(
          List.of("<sip:1001@192.0.2.20>", "<sip:1001@192.0.2.21>", "<sip:1001@192.0.2.22>"), 3600);
      SipResponse one = p.register(List.of("<sip:1001@192.0.2.20>;expires=0"), null);
      assertThat(contacts(one))
          .containsExactlyInAnyOrder("sip:1001@192.0.2.21", "sip:1001@192.0.2.22");
      assertThat(p.register(List.of("*"), 3600).status()).isEqualTo(400);
      assertThat(p.register(List.of("*", "<sip:1001@192.0.2.23>"), 0).status()).isEqualTo(400);
      SipResponse all = p.register(List.of("*"), 0);
      assertThat(all.status()).isEqualTo(200);
      assertThat(all.contacts()).isEmpty();
      assertThat(h.location.lookup("sip:1001@example.com")).isEmpty();
    }
  }

  @Test
  @DisplayName("bindings leave on time")
  void expiry() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      p.register(
          List.of("<sip:1001@192.0.2.30>;expires=60", "<sip:1001@192.0.2.31>;expires=120"), null);
      h.clock.advanceSeconds(59);
      assertThat(h.location.expireDue()).isZero();
      h.clock.advanceSeconds(2);
      assertThat(h.location.expireDue()).isEqualTo(1);
      assertThat(h.location.lookup("sip:1001@example.com"))
          .extracting(Binding::contact)
          .containsExactly("sip:1001@192.0.2.31");
      h.clock.advanceSeconds(60);
      assertThat(h.location.expireDue()).isEqualTo(1);
      assertThat(h.location.size()).isZero();
      assertThat(h.location.aorCount()).isZero();
    }
  }

  @Test
  @DisplayName(
      "an expired nonce with the right password gets 401 stale=true, and the phone re-registers")
  void staleNonce() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      SipResponse challenge = p.send(p.request(List.of(p.contact()), 3600, null));
      String auth = p.authorize(challenge);
      h.clock.advanceSeconds(301);
      SipResponse stale = p.send(p.request(List.of(p.contact()), 3600, auth));
      assertThat(stale.status()).isEqualTo(401);
      assertThat(stale.authHeaders("WWW-Authenticate"))
          .allSatisfy(c -> assertThat(c.param("stale")).isEqualTo("true"));
      assertThat(p.send(p.request(List.of(p.contact()), 3600, p.authorize(stale))).status())
          .isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a replayed Authorization (same nonce count) is not accepted twice")
  void replay() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      assertThat(p.register(3600).status()).isEqualTo(200);
      SipResponse replayed = p.send(p.request(List.of(p.contact()), 3600, p.lastAuthorization()));
      assertThat(replayed.status()).isEqualTo(401);
      assertThat(replayed.authHeaders("WWW-Authenticate").get(0).param("stale")).isEqualTo("true");
    }
  }

  @Test
  @DisplayName(
      "repeated failures from one address block it, even for the right password, and are logged for fail2ban")
  void sourceRateLimit() throws Exception {
    restartWithLimits(
        new RegistrarConfig.FailureLimits(3, 60, 600),
        new RegistrarConfig.FailureLimits(100, 60, 600));
    try (TestPhone attacker = phone("1001", "guess")) {
      for (int i = 0; i < 3; i++) {
        assertThat(attacker.register(3600).status()).isEqualTo(403);
      }
      attacker.password = PASSWORD;
      assertThat(attacker.register(3600).status()).isEqualTo(403);
      assertThat(h.location.lookup("sip:1001@example.com")).isEmpty();
    }
    assertThat(securityLog.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(
            m ->
                m.equals(
                    "blocking 127.0.0.1 for 600 s after 3 failed authentications within 60 s"));
    assertThat(h.outcome("blocked")).isGreaterThanOrEqualTo(1);
    // another address is not affected
    try (TestPhone other =
        new TestPhone(h.udp(), false, "127.0.0.2", "1002", "example.com", "other-password")) {
      assertThat(other.register(3600).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "repeated failures against one account lock it, except for the addresses holding its bindings")
  void accountLock() throws Exception {
    restartWithLimits(
        new RegistrarConfig.FailureLimits(100, 60, 600),
        new RegistrarConfig.FailureLimits(3, 60, 600));
    try (TestPhone owner =
        new TestPhone(h.udp(), false, "127.0.0.1", "1001", "example.com", PASSWORD)) {
      assertThat(owner.register(3600).status()).isEqualTo(200);
      for (String ip : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
        try (TestPhone attacker =
            new TestPhone(h.udp(), false, ip, "1001", "example.com", "guess")) {
          assertThat(attacker.register(3600).status()).isEqualTo(403);
        }
      }
      try (TestPhone stranger =
          new TestPhone(h.udp(), false, "127.0.0.5", "1001", "example.com", PASSWORD)) {
        assertThat(stranger.register(3600).status()).isEqualTo(403);
      }
      assertThat(owner.register(3600).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "a nonce not issued to the sender's address (forged, or a spoofed source) counts no failure: a fresh stale challenge")
  void forgedFailuresCountNothing() throws Exception {
    restartWithLimits(
        new RegistrarConfig.FailureLimits(3, 60, 600),
        new RegistrarConfig.FailureLimits(3, 60, 600));
    try (TestPhone elsewhere =
            new TestPhone(h.udp(), false, "127.0.0.3", "1001", "example.com", "guess");
        TestPhone spoofer =
            new TestPhone(h.udp(), false, "127.0.0.2", "1001", "example.com", "guess")) {
      SipResponse issuedElsewhere =
          elsewhere.send(elsewhere.request(List.of(elsewhere.contact()), 3600, null));
      for (int i = 0; i < 10; i++) {
        SipResponse r =
            spoofer.send(
                spoofer.request(
                    List.of(spoofer.contact()), 3600, spoofer.authorize(issuedElsewhere)));
        assertThat(r.status()).as("attempt %d", i).isEqualTo(401);
        assertThat(r.authHeaders("WWW-Authenticate").get(0).param("stale")).isEqualTo("true");
      }
      assertThat(h.outcome("auth_failed")).isZero();
      // neither the address nor the account is blocked: the real phone registers from there
      spoofer.password = PASSWORD;
      assertThat(spoofer.register(3600).status()).isEqualTo(200);
    }
    assertThat(securityLog.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(m -> m.startsWith("authentication failed") || m.startsWith("blocking"));
  }

  @Test
  @DisplayName(
      "a blocked address (an office NAT) keeps registering the accounts it holds bindings of, and only those")
  void aBlockedAddressKeepsItsOwnBindings() throws Exception {
    restartWithLimits(
        new RegistrarConfig.FailureLimits(3, 60, 600),
        new RegistrarConfig.FailureLimits(100, 60, 600));
    try (TestPhone desk = phone("1001", PASSWORD);
        TestPhone guesser =
            new TestPhone(h.udp(), false, "127.0.0.1", "1002", "example.com", "guess")) {
      assertThat(desk.register(3600).status()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        assertThat(guesser.register(3600).status()).isEqualTo(403);
      }
      guesser.password = "other-password"; // 1002's real password, but no binding from here
      assertThat(guesser.register(3600).status()).isEqualTo(403);
      // naming the registered AOR in To does not open the door for another account's password
      String toDesk = "To: <sip:1001@";
      SipResponse challenge =
          guesser.send(
              guesser
                  .request(List.of(guesser.contact()), 3600, null)
                  .replace("To: <sip:1002@", toDesk));
      SipResponse sneaky =
          guesser.send(
              guesser
                  .request(List.of(guesser.contact()), 3600, guesser.authorize(challenge))
                  .replace("To: <sip:1002@", toDesk));
      assertThat(sneaky.status()).isEqualTo(403);
      assertThat(sneaky.reason())
          .as("refused before the password is checked")
          .isEqualTo("Forbidden");
      assertThat(desk.register(3600).status()).as("the desk phone's refresh").isEqualTo(200);
    }
  }

  @Test
  @DisplayName(
      "RFC 5626 6: a binding registered over a TCP connection goes when the connection closes; a UDP one stays")
  void aClosedConnectionTakesItsBindingsWithIt() throws Exception {
    try (TestPhone udp = phone("1002", "other-password")) {
      assertThat(udp.register(3600).status()).isEqualTo(200);
      TestPhone tcp = new TestPhone(h.tcp(), true, "127.0.0.1", "1001", "example.com", PASSWORD);
      assertThat(tcp.register(3600).status()).isEqualTo(200);
      assertThat(h.location.lookup("sip:1001@example.com")).hasSize(1);
      tcp.close();
      long deadline = System.currentTimeMillis() + 5000;
      while (!h.location.lookup("sip:1001@example.com").isEmpty()
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(h.location.lookup("sip:1001@example.com")).isEmpty();
      assertThat(h.location.lookup("sip:1002@example.com")).hasSize(1);
    }
  }

  @Test
  @DisplayName("an account may only register its own address-of-record")
  void authorization() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      SipResponse challenge =
          p.send(
              p.request(List.of(p.contact()), 3600, null)
                  .replace("To: <sip:1001@", "To: <sip:1002@"));
      SipResponse r =
          p.send(
              p.request(List.of(p.contact()), 3600, p.authorize(challenge))
                  .replace("To: <sip:1001@", "To: <sip:1002@"));
      assertThat(r.status()).isEqualTo(403);
      assertThat(h.location.lookup("sip:1002@example.com")).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "RFC 4475: unksm2 400, regaut01 401, a Require it does not support 420, a non-SIP contact 400")
  void tortureSemantics() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      assertThat(p.send(viaTo(p, Torture.rfc4475("unksm2"))).status()).isEqualTo(400);
      SipResponse regaut = p.send(viaTo(p, Torture.rfc4475("regaut01")));
      assertThat(regaut.status()).isEqualTo(401);
      assertThat(regaut.authHeaders("WWW-Authenticate")).isNotEmpty();
      SipResponse ext =
          p.register(List.of(p.contact()), 3600, "Require: nothingSupportsThis, path");
      assertThat(ext.status()).isEqualTo(420);
      assertThat(ext.headerValues("Unsupported")).containsExactly("nothingSupportsThis");
      assertThat(p.register(List.of("<mailto:1001@example.com>"), 3600).status()).isEqualTo(400);
    }
  }

  /**
   * The torture message with its Via pointing at the test phone, so that the answer comes back to
   * it.
   */
  private static String viaTo(TestPhone p, byte[] message) {
    return new String(message, StandardCharsets.ISO_8859_1)
        .replaceFirst(
            "(?m)^Via: [^\r]*",
            "Via: SIP/2.0/UDP 127.0.0.1:"
                + p.localPort()
                + ";branch=z9hG4bK"
                + System.nanoTime()
                + ";rport");
  }

  @Test
  @DisplayName(
      "RFC 4475 3.3.12-3.3.14: contact parameters, URI parameters and escaped headers come back as registered")
  void contactFormsAreKept() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      SipResponse r1 = p.register(List.of("sip:+19725552222@gw1.example.net;unknownparam"), 3600);
      assertThat(r1.header("Contact"))
          .startsWith("<sip:+19725552222@gw1.example.net>;unknownparam;expires=");
      SipResponse r2 = p.register(List.of("<sip:+19725552222@gw1.example.net;unknownparam>"), 3600);
      assertThat(r2.headerFields("Contact"))
          .anyMatch(c -> c.startsWith("<sip:+19725552222@gw1.example.net;unknownparam>;expires="));
      SipResponse r3 =
          p.register(List.of("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>"), 3600);
      assertThat(r3.headerFields("Contact"))
          .anyMatch(
              c -> c.startsWith("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>;expires="));
    }
  }

  @Test
  @DisplayName("malformed credentials get 400; too many contacts for one AOR get 403")
  void malformedAndTooMany() throws Exception {
    try (TestPhone p = phone("1001", PASSWORD)) {
      SipResponse bad =
          p.send(
              p.request(
                  List.of(p.contact()),
                  3600,
                  "Digest username=\"1001\", realm=\"example.com\", nonce=\"x\", uri=\"sip:example.com\""));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.header("Warning")).contains("response");
    }
    h.close();
    startWith(
        new RegistrarConfig(
            60,
            7200,
            3600,
            2,
            RegistrarConfig.DEFAULT.perSource(),
            RegistrarConfig.DEFAULT.perAccount(),
            0));
    try (TestPhone p = phone("1001", PASSWORD)) {
      assertThat(
              p.register(List.of("<sip:1001@192.0.2.40>", "<sip:1001@192.0.2.41>"), 3600).status())
          .isEqualTo(200);
      SipResponse third = p.register(List.of("<sip:1001@192.0.2.42>"), 3600);
      assertThat(third.status()).isEqualTo(403);
      assertThat(third.reason()).contains("more than 2 contacts");
      assertThat(h.location.lookup("sip:1001@example.com")).hasSize(2);
    }
  }

  @Test
  @DisplayName("registration over TCP keeps the connection with the binding")
  void overTcp() throws Exception {
    try (TestPhone p = new TestPhone(h.tcp(), true, "127.0.0.1", "1001", "example.com", PASSWORD)) {
      SipResponse r = p.register(3600);
      assertThat(r.status()).isEqualTo(200);
      Binding b = h.location.lookup("sip:1001@example.com").get(0);
      assertThat(b.transport().name()).isEqualTo("TCP");
      assertThat(b.flow()).isNotNull().matches(Flow::isOpen, "open");
    }
  }

  @Test
  @DisplayName("devices added or changed while running take effect at the next change-log poll")
  void liveCredentialChanges() throws Exception {
    try (TestPhone p = phone("3003", "first")) {
      assertThat(p.register(3600).status())
          .isEqualTo(403); // unknown for now (and cached as unknown)
      h.addDevice("3003", "first");
      assertThat(p.register(3600).status()).isEqualTo(403); // cache not refreshed yet
      h.watcher.run();
      assertThat(p.register(3600).status()).isEqualTo(200);
      h.setSecret("3003", "second");
      h.watcher.run();
      assertThat(p.register(3600).status()).isEqualTo(403);
      p.password = "second";
      assertThat(p.register(3600).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("the first 401 is not counted as a failure; a 403 is")
  void outcomesForTheStatusPage() throws Exception {
    try (TestPhone good = phone("1002", "other-password");
        TestPhone bad = phone("1001", "nope")) {
      good.register(3600);
      bad.register(3600);
    }
    assertThat(h.outcome("challenged")).isEqualTo(2);
    assertThat(h.outcome("registered")).isEqualTo(1);
    assertThat(h.outcome("auth_failed")).isEqualTo(1);
    assertThat(h.outcome("error")).isZero();
    assertThat(h.outcome("blocked")).isZero();
  }
}
