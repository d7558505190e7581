package dev.evertone.tests.calls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.transport.TransportType;
import dev.evertone.tests.support.DeviceAnswers;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.UdpClient;
import dev.evertone.tests.support.WebSocketClient;
import dev.evertone.tls.testing.TestPki;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MESSAGE (RFC 3428) between devices of a domain, through the proxy: authenticated, delivered over
 * the target's own flow.
 */
class MessageTest {
  private static final String DOMAIN = "sip.example.com";
  private static final AtomicInteger CSEQ = new AtomicInteger();
  @TempDir Path dir;
  private final Instant now = Instant.now();
  private final TestPki.Issued root =
      TestPki.root("Test Root", now.minus(1, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
  private ServerFixture fx;
  private UdpClient phone;

  @BeforeEach
  void start() throws Exception {
    fx = ServerFixture.withCertificate(dir, root, DOMAIN);
    fx.provision(DOMAIN, 5);
    phone = new UdpClient(fx.udp());
    assertThat(DigestRegister.register(phone, "u100001", DOMAIN, "pwu100001")).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    phone.close();
    fx.close();
  }

  /**
   * A MESSAGE from the UDP phone, as {@code fromUser}, to {@code target}; with extra header lines.
   */
  private String message(String fromUser, String target, String extra) {
    String body = "Lunch at 12? See you there";
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    return "MESSAGE "
        + target
        + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:"
        + phone.port()
        + ";branch=z9hG4bK"
        + System.nanoTime()
        + ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:"
        + fromUser
        + "@"
        + DOMAIN
        + ">;tag=m"
        + CSEQ.get()
        + "\r\nTo: <"
        + target
        + ">\r\nCall-ID: msg-"
        + fromUser
        + "-"
        + CSEQ.get()
        + "\r\nCSeq: "
        + CSEQ.incrementAndGet()
        + " MESSAGE\r\n"
        + extra
        + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: "
        + length
        + "\r\n\r\n"
        + body;
  }

  /**
   * Sends {@code text}, answers the 407 with the credentials of {@code user}, returns the final
   * answer.
   */
  private String sendAuthenticated(
      String user, String password, String fromUser, String target, String extra) throws Exception {
    String challenge = phone.exchange(message(fromUser, target, extra));
    assertThat(challenge)
        .startsWith("SIP/2.0 407 ")
        .contains("Proxy-Authenticate: Digest realm=\"" + DOMAIN + "\"");
    String auth =
        "Proxy-Authorization: "
            + DigestRegister.answer(challenge, "MESSAGE", target, user, DOMAIN, password)
            + "\r\n";
    return phone.exchange(message(fromUser, target, extra + auth));
  }

  @Test
  void aPhoneSendsTextToABrowserPhoneOverTheBrowsersOwnConnection() throws Exception {
    URI wss = URI.create("wss://127.0.0.1:" + fx.address(TransportType.WSS).getPort() + "/");
    try (WebSocketClient browser = new WebSocketClient(wss, root.cert())) {
      assertThat(DigestRegister.register(browser, "u100002", DOMAIN, "pwu100002")).isEqualTo(200);
      String target = "sip:u100002@" + DOMAIN;
      String challenge = phone.exchange(message("u100001", target, ""));
      assertThat(challenge).startsWith("SIP/2.0 407 Proxy Authentication Required\r\n");
      assertThat(browser.poll())
          .as("nothing is delivered before the sender is authenticated")
          .isNull();

      java.util.concurrent.CompletableFuture<String> answer =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  // the phone's route set: evertone as its outbound proxy, and an attempt to send
                  // the text on elsewhere
                  return sendAuthenticated(
                      "u100001",
                      "pwu100001",
                      "u100001",
                      target,
                      "Route: <sip:127.0.0.1:"
                          + fx.udp().getPort()
                          + ";lr>, <sip:198.51.100.99:5060;lr>\r\n");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      String delivered = browser.receive();
      assertThat(delivered)
          .startsWith(
              "MESSAGE sip:u100002@127.0.0.1:" + browser.port() + ";transport=wss SIP/2.0\r\n")
          .containsPattern(
              "(?m)^Via: SIP/2\\.0/WSS 127\\.0\\.0\\.1:\\d+;branch=z9hG4bK\\w+;rport\r\nVia: SIP/2\\.0/UDP 127\\.0\\.0\\.1:"
                  + phone.port())
          .contains("Max-Forwards: 69\r\n")
          .contains("From: <sip:u100001@" + DOMAIN + ">")
          .doesNotContain("Proxy-Authorization")
          .doesNotContain("Route:")
          .endsWith("\r\n\r\nLunch at 12? See you there");
      browser.send(DeviceAnswers.answer(delivered, "200 OK"));
      String ok = answer.get();
      assertThat(ok).startsWith("SIP/2.0 200 OK\r\n");
      assertThat(Pattern.compile("(?m)^Via: ").matcher(ok).results().count())
          .as("only the sender's Via comes back")
          .isEqualTo(1);
    }
  }

  @Test
  void anExtensionReachesEveryDeviceOfItsUserAndTheBestAnswerComesBack() throws Exception {
    // extension 2001: a desk phone (line acme-2001) and a softphone (line acme-2001s)
    fx.provisioning()
        .addDevice(
            new dev.evertone.provisioning.NewDevice(
                DOMAIN,
                "2001",
                "Front desk",
                "00:15:65:aa:bb:01",
                "Yealink T54W",
                null,
                java.util.List.of(
                    new dev.evertone.provisioning.NewLine(null, "acme-2001", "pw-desk"))));
    fx.provisioning()
        .addDevice(
            new dev.evertone.provisioning.NewDevice(
                DOMAIN,
                "2001",
                null,
                null,
                "Linphone",
                null,
                java.util.List.of(
                    new dev.evertone.provisioning.NewLine(null, "acme-2001s", "pw-soft"))));
    try (UdpClient desk = new UdpClient(fx.udp());
        UdpClient soft = new UdpClient(fx.udp())) {
      assertThat(DigestRegister.register(desk, "acme-2001", DOMAIN, "pw-desk")).isEqualTo(200);
      assertThat(DigestRegister.register(soft, "acme-2001s", DOMAIN, "pw-soft")).isEqualTo(200);
      java.util.concurrent.CompletableFuture<String> answer =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return sendAuthenticated(
                      "u100001", "pwu100001", "u100001", "sip:2001@" + DOMAIN, "");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      String atDesk = desk.receive(3000);
      String atSoft = soft.receive(3000);
      assertThat(atDesk).startsWith("MESSAGE sip:acme-2001@127.0.0.1:" + desk.port() + " SIP/2.0");
      assertThat(atSoft).startsWith("MESSAGE sip:acme-2001s@127.0.0.1:" + soft.port() + " SIP/2.0");
      desk.send(DeviceAnswers.answer(atDesk, "486 Busy Here"));
      soft.send(DeviceAnswers.answer(atSoft, "200 OK"));
      assertThat(answer.get()).startsWith("SIP/2.0 200 OK");
    }
  }

  @Test
  void whatCannotBeDeliveredGetsTheAnswerThatSaysWhy() throws Exception {
    // provisioned, not registered
    assertThat(sendAuthenticated("u100001", "pwu100001", "u100001", "sip:u100003@" + DOMAIN, ""))
        .startsWith("SIP/2.0 480 ");
    // an account may only send as itself
    assertThat(sendAuthenticated("u100001", "pwu100001", "u100004", "sip:u100003@" + DOMAIN, ""))
        .startsWith("SIP/2.0 403 ")
        .contains("From is not your account");
    // a wrong password
    assertThat(sendAuthenticated("u100001", "nope", "u100001", "sip:u100003@" + DOMAIN, ""))
        .startsWith("SIP/2.0 403 ");
    // only the sender's own domain
    assertThat(
            sendAuthenticated(
                "u100001", "pwu100001", "u100001", "sip:u100003@elsewhere.example", ""))
        .startsWith("SIP/2.0 403 ")
        .contains("only users of " + DOMAIN);
    // 16.3: no hops left, and an extension this proxy does not support
    assertThat(
            phone.exchange(
                message("u100001", "sip:u100003@" + DOMAIN, "")
                    .replace("Max-Forwards: 70", "Max-Forwards: 0")))
        .startsWith("SIP/2.0 483 ");
    assertThat(
            phone.exchange(
                message(
                    "u100001", "sip:u100003@" + DOMAIN, "Proxy-Require: com.example.teleport\r\n")))
        .startsWith("SIP/2.0 420 ")
        .contains("Unsupported: com.example.teleport");
  }
}
