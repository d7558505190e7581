package dev.evertone.tests.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.provisioning.ProvisioningConfig;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.sip.Torture;
import dev.evertone.store.Actor;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.jdbc.StoreConfig;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.UdpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The running server as a phone, a scanner and an operator see it. */
class ServerTest {
  @TempDir Path dir;
  private ServerFixture fx;
  private UdpClient phone;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dir);
    phone = new UdpClient(fx.udp());
  }

  @AfterEach
  void stop() {
    phone.close();
    fx.close();
  }

  private static String torture(String name) {
    return new String(Torture.rfc4475(name), StandardCharsets.ISO_8859_1);
  }

  private static String options(String callId) {
    return "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP x\r\nMax-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=1\r\n"
        + "To: <sip:b@example.com>\r\nCall-ID: "
        + callId
        + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  }

  @Test
  @DisplayName("OPTIONS is answered 200 with what the server allows, a To tag and a Server header")
  void optionsPing() throws Exception {
    String r = phone.exchange(phone.viaHere(options("ping-1"), true));
    assertThat(r)
        .startsWith("SIP/2.0 200 OK\r\n")
        .contains(
            "\r\nAllow: ACK, BYE, CANCEL, INFO, INVITE, MESSAGE, NOTIFY, OPTIONS, PRACK, REFER, REGISTER, SUBSCRIBE, UPDATE\r\n")
        .contains("\r\nServer: evertone\r\n")
        .containsPattern("To: <sip:b@example.com>;tag=\\w+");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @DisplayName("RFC 4475 messages get the answer their section asks of a registrar and proxy")
  @CsvSource({
    // requests to a user go to the proxy: it checks hops and Proxy-Require (16.3), then asks who is
    // calling (407);
    // wsinv carries a To tag, so it claims a dialog this proxy never set up
    "unkscm, 416", "novelsc, 416", "bext01, 420", "zeromf, 483", "badbranch, 407", "esc02, 501",
        "intmeth, 501",
    "wsinv, 404", "invut, 407", "sdp01, 407", "transports, 407", "lwsdisp, 407", "semiuri, 407",
        "escnull, 401",
    "regaut01, 401", "unksm2, 400", "cparam01, 401", "regescrt, 401", "dblreq, 401",
  })
  void tortureSemantics(String file, int status) throws Exception {
    String r = phone.exchange(phone.viaHere(torture(file), !file.equals("badbranch")));
    assertThat(r).as(file).startsWith("SIP/2.0 " + status + " ");
    if (file.equals("bext01")) {
      // Require is for the user agent that answers; a proxy checks only Proxy-Require (RFC 3261
      // 16.3 step 5)
      assertThat(r)
          .contains("\r\nUnsupported: noProxiesSupportThis, norDoAnyProxiesSupportThis\r\n");
    }
  }

  @Test
  @DisplayName(
      "an RFC 2543 INVITE (no branch) is challenged, and challenged again when retransmitted")
  void rfc2543() throws Exception {
    String invite = phone.viaHere(torture("inv2543"), false);
    String first = phone.exchange(invite);
    assertThat(first).startsWith("SIP/2.0 407 ");
    // challenges are stateless: the retransmission gets a fresh one
    assertThat(phone.exchange(invite)).startsWith("SIP/2.0 407 ").isNotEqualTo(first);
  }

  @Test
  @DisplayName("a stray response (RFC 4475 3.3.10 bcast) is never forwarded anywhere")
  void strayResponse() throws Exception {
    phone.send(torture("bcast").replaceFirst("192.0.2.198", "127.0.0.1:" + phone.port()));
    assertThat(phone.poll(300)).isNull();
    assertThat(fx.server.meters().get("evertone.sip.responses.unmatched").counter().count())
        .isEqualTo(1);
  }

  @Test
  @DisplayName("metrics and health over HTTP")
  void metricsAndHealth() throws Exception {
    phone.exchange(phone.viaHere(options("m-1"), true));
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(fx.http() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("evertone_sip_messages_received_total{kind=\"request\",transport=\"udp\"} 1.0")
        .contains("evertone_registrar_bindings")
        .contains("jvm_memory_used_bytes");
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create(fx.http() + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.body()).startsWith("{\"status\":\"up\"");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(fx.http() + "/health"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(fx.http() + "/nope")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName(
      "a device added by another process (the CLI) can register within a second, without a restart")
  void liveProvisioning() throws Exception {
    fx.provision("bench.test", 1); // warms the store; u100000 exists
    try (JdbcStore cli = JdbcStore.open(new StoreConfig(null, dir, null, 1), Clock.systemUTC())) {
      new ProvisioningService(
              cli, ProvisioningConfig.DEFAULT, Clock.systemUTC(), Actor.local("cli"))
          .addDevice(
              new NewDevice(
                  "bench.test",
                  null,
                  null,
                  null,
                  null,
                  null,
                  List.of(new NewLine(null, "2001", "late-secret"))));
    }
    long deadline = System.currentTimeMillis() + 3000;
    int status;
    do {
      status = DigestRegister.register(phone, "2001", "bench.test", "late-secret");
      if (status != 200) {
        Thread.sleep(100);
      }
    } while (status != 200 && System.currentTimeMillis() < deadline);
    assertThat(status).isEqualTo(200);
    assertThat(fx.server.location().lookup("sip:2001@bench.test")).hasSize(1);
  }

  @Test
  @DisplayName(
      "a second server on the UDP port of a running one refuses to start instead of sharing its datagrams (SO_REUSEPORT)")
  void aSecondServerOnTheSamePortRefusesToStart() {
    int port = fx.udp().getPort();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new ServerFixture(dir.resolve("second"), "sip.udp-port=" + port).close())
        .hasMessageContaining("UDP port " + port)
        .hasMessageContaining("in use by another process");
  }
}
