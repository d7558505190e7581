package dev.evertone.tests.registration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.Actor;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.Cli;
import dev.evertone.tests.support.DeviceAnswers;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.TlsClient;
import dev.evertone.tests.support.UdpClient;
import dev.evertone.tests.support.WebSocketClient;
import dev.evertone.tls.testing.TestPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests from evertone to registered devices: {@code evertone registrations ping} sends OPTIONS
 * to each contact over the very connection (WSS, TLS) or to the very UDP address it registered
 * from, and reports what came back; {@code registrations list} shows who is registered.
 */
class RegistrationsTest {
  private static final String DOMAIN = "sip.example.com";
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private final Instant now = Instant.now();
  private final TestPki.Issued root =
      TestPki.root("Test Root", now.minus(1, ChronoUnit.DAYS), now.plus(3650, ChronoUnit.DAYS));
  private ServerFixture fixture;
  private Map<String, String> env;
  private String token;

  @BeforeEach
  void start() throws Exception {
    fixture = ServerFixture.withCertificate(dir, root, DOMAIN);
    fixture.provision(DOMAIN, 5);
    token = fixture.server.store().tokens().create("ops", Actor.local("test"));
    env = Map.of("EVERTONE_SERVER", fixture.http(), "EVERTONE_TOKEN", token);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aBrowserPhoneIsPingedOverItsOwnSecureWebSocket() throws Exception {
    URI wss = URI.create("wss://127.0.0.1:" + fixture.address(TransportType.WSS).getPort() + "/");
    WebSocketClient browser = new WebSocketClient(wss, root.cert());
    assertThat(DigestRegister.register(browser, "u100001", DOMAIN, "pwu100001")).isEqualTo(200);

    CompletableFuture<Cli.Result> ping =
        CompletableFuture.supplyAsync(
            () -> Cli.execute(env, "", "registrations", "ping", DOMAIN, "u100001"));
    String options = browser.receive();
    assertThat(options)
        .startsWith(
            "OPTIONS sip:u100001@127.0.0.1:" + browser.port() + ";transport=wss SIP/2.0\r\n")
        .containsPattern(
            "(?m)^Via: SIP/2\\.0/WSS 127\\.0\\.0\\.1:" + wss.getPort() + ";branch=z9hG4bK")
        .contains("To: <sip:u100001@127.0.0.1:" + browser.port() + ";transport=wss>")
        .contains("CSeq: 1 OPTIONS");
    browser.send(DeviceAnswers.answer(options, "200 OK"));
    Cli.Result r = ping.get();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("sip:u100001@127.0.0.1:" + browser.port() + ";transport=wss")
        .contains("wss:127.0.0.1:")
        .contains("200 OK");

    Cli.Result list = Cli.execute(env, "", "registrations", "list", DOMAIN);
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("sip:u100001@" + DOMAIN).contains("wss").contains("open");

    // RFC 5626 6: the browser's connection closed (its flow failed), so its binding goes with it;
    // calls no longer ring a tab that is gone
    browser.close();
    Await.until(
        java.time.Duration.ofSeconds(5),
        "the binding over the closed connection removed",
        () -> fixture.server.location().lookup("sip:u100001@" + DOMAIN).isEmpty());
    Cli.Result gone = Cli.execute(env, "", "registrations", "ping", DOMAIN, "u100001");
    assertThat(gone.code()).isEqualTo(4);
    assertThat(
            Cli.execute(env, "", "registrations", "list", DOMAIN, "--auth-user", "u100001").out())
        .isEqualTo("u100001@" + DOMAIN + " is not registered\n");
  }

  @Test
  void tlsAndUdpDevicesAreReachedWhereTheyRegisteredFrom() throws Exception {
    try (TlsClient phone = new TlsClient(fixture.address(TransportType.TLS), DOMAIN, root.cert());
        UdpClient udp = new UdpClient(fixture.address(TransportType.UDP))) {
      assertThat(DigestRegister.register(phone, "u100002", DOMAIN, "pwu100002")).isEqualTo(200);
      assertThat(DigestRegister.register(udp, "u100002", DOMAIN, "pwu100002")).isEqualTo(200);

      CompletableFuture<HttpResponse<String>> ping =
          CompletableFuture.supplyAsync(
              () -> api("POST", "/domains/" + DOMAIN + "/lines/u100002/ping?timeout_ms=3000"));
      String overTls = phone.read();
      assertThat(overTls)
          .startsWith(
              "OPTIONS sip:u100002@127.0.0.1:" + phone.port() + ";transport=tls SIP/2.0\r\n")
          .containsPattern("(?m)^Via: SIP/2\\.0/TLS 127\\.0\\.0\\.1:");
      phone.send(DeviceAnswers.answer(overTls, "486 Busy Here"));
      String overUdp = udp.receive(3000);
      assertThat(overUdp)
          .startsWith("OPTIONS sip:u100002@127.0.0.1:" + udp.port() + " SIP/2.0\r\n")
          .containsPattern("(?m)^Via: SIP/2\\.0/UDP ");
      udp.send(DeviceAnswers.answer(overUdp, "200 OK"));

      JsonNode results = JSON.readTree(ping.get().body());
      assertThat(results).hasSize(2);
      for (JsonNode result : results) {
        assertThat(result.get("reachable").asBoolean()).as(result.toString()).isTrue();
        int expected = result.get("transport").asText().equals("TLS") ? 486 : 200;
        assertThat(result.get("status").asInt()).isEqualTo(expected);
      }

      // a UDP device that does not answer is unreachable after the timeout; the TLS one still
      // answers
      CompletableFuture<HttpResponse<String>> again =
          CompletableFuture.supplyAsync(
              () -> api("POST", "/domains/" + DOMAIN + "/lines/u100002/ping?timeout_ms=800"));
      phone.send(DeviceAnswers.answer(phone.read(), "200 OK"));
      assertThat(udp.receive(3000)).startsWith("OPTIONS ");
      JsonNode second = JSON.readTree(again.get().body());
      assertThat(second.findValues("reason").stream().map(JsonNode::asText))
          .containsExactlyInAnyOrder("OK", "no response within 800 ms");
    }
  }

  @Test
  void aCrashedSoftphoneIsRemovedByHandOrWhenItsContactNoLongerKnowsTheLine() throws Exception {
    try (UdpClient crashed = new UdpClient(fixture.address(TransportType.UDP));
        UdpClient desk = new UdpClient(fixture.address(TransportType.UDP))) {
      assertThat(DigestRegister.register(crashed, "u100004", DOMAIN, "pwu100004")).isEqualTo(200);
      assertThat(DigestRegister.register(desk, "u100004", DOMAIN, "pwu100004")).isEqualTo(200);
      // the softphone restarted without unregistering: whatever listens there now says 404
      CompletableFuture<HttpResponse<String>> ping =
          CompletableFuture.supplyAsync(
              () -> api("POST", "/domains/" + DOMAIN + "/lines/u100004/ping?timeout_ms=3000"));
      crashed.send(DeviceAnswers.answer(crashed.receive(3000), "404 Not Found"));
      desk.send(DeviceAnswers.answer(desk.receive(3000), "200 OK"));
      assertThat(ping.get().statusCode()).isEqualTo(200);
      Cli.Result list =
          Cli.execute(env, "", "registrations", "list", DOMAIN, "--auth-user", "u100004");
      assertThat(list.out())
          .contains("sip:u100004@127.0.0.1:" + desk.port())
          .doesNotContain("sip:u100004@127.0.0.1:" + crashed.port());

      // and by hand: one contact, then every contact of the line
      assertThat(DigestRegister.register(crashed, "u100004", DOMAIN, "pwu100004")).isEqualTo(200);
      String contact = "sip:u100004@127.0.0.1:" + crashed.port();
      Cli.Result one =
          Cli.execute(env, "", "registrations", "remove", DOMAIN, "u100004", "--contact", contact);
      assertThat(one.code()).as(one.err()).isZero();
      assertThat(one.out()).isEqualTo("removed u100004@" + DOMAIN + " at <" + contact + ">\n");
      assertThat(fixture.server.location().lookup("sip:u100004@" + DOMAIN)).hasSize(1);
      Cli.Result unknown =
          Cli.execute(
              env, "", "registrations", "remove", DOMAIN, "u100004", "--contact", "sip:x@y");
      assertThat(unknown.code()).isEqualTo(1);
      assertThat(unknown.err()).contains("has contact sip:x@y");
      Cli.Result all = Cli.execute(env, "", "registrations", "remove", DOMAIN, "u100004");
      assertThat(all.out()).startsWith("removed u100004@" + DOMAIN + " at <");
      assertThat(fixture.server.location().lookup("sip:u100004@" + DOMAIN)).isEmpty();
    }
  }

  @Test
  void badRequestsGetClearErrors() throws Exception {
    assertThat(api("POST", "/domains/" + DOMAIN + "/lines/nobody/ping").statusCode())
        .isEqualTo(404);
    assertThat(api("POST", "/domains/" + DOMAIN + "/lines/nobody/ping").body())
        .contains("line nobody@" + DOMAIN + " is not provisioned");
    assertThat(api("GET", "/domains/unknown.example/registrations").statusCode()).isEqualTo(404);
    assertThat(api("GET", "/domains/unknown.example/registrations").body())
        .contains("domain unknown.example does not exist");
    assertThat(api("GET", "/domains/unknown.example/registrations?auth_user=u100000").statusCode())
        .isEqualTo(404);
    HttpResponse<String> tooLong =
        api("POST", "/domains/" + DOMAIN + "/lines/u100003/ping?timeout_ms=60000");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.body()).contains("timeout_ms").contains("between 1 and 32000");
    assertThat(api("GET", "/domains/" + DOMAIN + "/registrations?limit=x").statusCode())
        .isEqualTo(400);
    // a provisioned line that is not registered: nothing to ping
    assertThat(api("POST", "/domains/" + DOMAIN + "/lines/u100003/ping").body()).isEqualTo("[]");
    Cli.Result none = Cli.execute(env, "", "registrations", "ping", DOMAIN, "u100003");
    assertThat(none.code()).isEqualTo(4);
    assertThat(none.err()).contains("u100003@" + DOMAIN + " has no registered contact");
    Cli.Result noServer = Cli.execute(Map.of(), "", "registrations", "list", DOMAIN);
    assertThat(noServer.err()).contains("give --server URL");
  }

  private HttpResponse<String> api(String method, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(fixture.http() + "/api/v1" + path))
                  .header("Authorization", "Bearer " + token)
                  .method(method, HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
