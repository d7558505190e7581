package dev.evertone.tests.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.evertone.status.Notifier;
import dev.evertone.store.Actor;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page against a running server: phones (SIPp) that register with changed credentials
 * make the registration monitor declare an incident by itself, subscribers hear of it by webhook
 * and mail, the public JSON shows it without naming the tenant, and registrations that succeed
 * again resolve it.
 */
class StatusPageTest {
  private static final int DEVICES = 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private ServerFixture fx;
  private GreenMail smtp;
  private HttpServer receiver;
  private String token;

  /** Webhook bodies by path, with their timestamp and signature. */
  private final Map<String, List<String[]>> hooks = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            hooks
                .computeIfAbsent(
                    exchange.getRequestURI().getPath(), p -> new CopyOnWriteArrayList<>())
                .add(
                    new String[] {
                      exchange.getRequestHeaders().getFirst("X-Evertone-Timestamp"),
                      exchange.getRequestHeaders().getFirst("X-Evertone-Signature"),
                      new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    });
            exchange.sendResponseHeaders(204, -1);
          } finally {
            exchange.close();
          }
        });
    receiver.start();
    fx =
        new ServerFixture(
            dir.resolve("data"),
            "auth.failures-per-source.limit=100000",
            "auth.failures-per-account.limit=100000",
            "status.interval=1s",
            "status.quiet-period=5s",
            "status.delivery.first-retry=1s",
            "status.monitors.registration.short-window=10s",
            "status.monitors.registration.long-window=60s",
            "status.monitors.registration.min-requests=10",
            "status.smtp.host=127.0.0.1",
            "status.smtp.port=" + smtp.getSmtp().getPort(),
            "status.smtp.from=status@example.com",
            "status.page-name=Example Telecom status");
    token = fx.server.store().tokens().create("noc", Actor.local("test"));
    fx.provision("bench.test", DEVICES);
    fx.provision("ok.test", DEVICES, "pw");
  }

  @AfterEach
  void stop() {
    fx.close();
    receiver.stop(0);
    smtp.stop();
  }

  private HttpResponse<String> call(String method, String path, @Nullable String body)
      throws Exception {
    return fx.api(method, path, body, token);
  }

  /** The first webhook the receiver got on {@code path}: timestamp, signature, body. */
  private String[] firstHook(String path) {
    assertThat(hooks).containsKey(path);
    return Objects.requireNonNull(hooks.get(path)).get(0);
  }

  private JsonNode json(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(fx.http() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private String text(String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(fx.http() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private String hookUrl(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  /**
   * SIPp registers every device of {@code domain}: with its password, or a wrong one (then every
   * REGISTER gets a 403).
   */
  private int register(String domain, boolean rightPassword, int calls) throws Exception {
    Peers.require("sipp", "sip-tester");
    String scenario =
        rightPassword ? "peers/sipp-register-auth.xml" : "sipp/register-wrong-password.xml";
    Path file = Peers.resource(dir, scenario);
    Path mine = dir.resolve(domain + "-" + file.getFileName());
    Files.writeString(
        mine,
        Files.readString(file, StandardCharsets.ISO_8859_1).replace("bench.test", domain),
        StandardCharsets.ISO_8859_1);
    Peers.Run run =
        Peers.run(
            dir,
            120,
            "sipp",
            "-sf",
            mine.toString(),
            "-inf",
            Peers.users(dir, DEVICES, rightPassword ? "pw" : "changed").toString(),
            "127.0.0.1:" + fx.udp().getPort(),
            "-t",
            "u1",
            "-i",
            "127.0.0.1",
            "-m",
            Integer.toString(calls),
            "-r",
            "20",
            "-timeout",
            "60s",
            "-nostdin");
    Matcher m =
        Pattern.compile("Successful call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)").matcher(run.output());
    assertThat(m.find()).as(run.output()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private String componentStatus(JsonNode summary, String name) {
    for (JsonNode c : summary.get("components")) {
      if (c.get("name").asText().equals(name)) {
        return c.get("status").asText();
      }
    }
    throw new AssertionError("no component " + name + " in " + summary);
  }

  @Test
  @DisplayName(
      "phones failing to register open an incident by themselves, subscribers hear of it, and it resolves when they recover")
  void registrationFailuresDeclareAndResolveAnIncident() throws Exception {
    // subscribers: the platform's webhook, one per tenant, and a mail address that confirms through
    // the public page
    String secret =
        JSON.readTree(
                call(
                        "POST",
                        "/api/v1/status/subscribers",
                        "{\"type\": \"webhook\", \"url\": \"" + hookUrl("/noc") + "\"}")
                    .body())
            .get("secret")
            .asText();
    assertThat(
            call(
                    "POST",
                    "/api/v1/status/subscribers",
                    "{\"type\": \"webhook\", \"url\": \""
                        + hookUrl("/bench")
                        + "\", \"domain\": "
                        + "\"bench.test\"}")
                .statusCode())
        .isEqualTo(201);
    assertThat(
            call(
                    "POST",
                    "/api/v1/status/subscribers",
                    "{\"type\": \"webhook\", \"url\": \""
                        + hookUrl("/ok")
                        + "\", \"domain\": "
                        + "\"ok.test\"}")
                .statusCode())
        .isEqualTo(201);
    HttpResponse<String> subscribed =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(fx.http() + "/subscribe"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("email=noc%40example.org"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(subscribed.statusCode()).isEqualTo(200);
    assertThat(subscribed.body()).contains("Check your mail");
    Await.until(
        Duration.ofSeconds(20),
        "the confirmation mail",
        () -> smtp.getReceivedMessages().length == 1);
    Matcher link =
        Pattern.compile("/subscriptions/confirm\\?token=([A-Za-z0-9_-]+)")
            .matcher(GreenMailUtil.getBody(smtp.getReceivedMessages()[0]));
    assertThat(link.find()).isTrue();
    assertThat(text("/subscriptions/confirm?token=" + link.group(1))).contains("Subscribed");

    // healthy phones in both tenants
    assertThat(register("bench.test", true, DEVICES)).isEqualTo(DEVICES);
    assertThat(register("ok.test", true, DEVICES)).isEqualTo(DEVICES);
    assertThat(json("/api/v2/summary.json").get("incidents")).isEmpty();

    // bench.test's phones now hold credentials the platform no longer accepts; ok.test's are fine
    long failingSince = System.nanoTime();
    assertThat(register("bench.test", false, 2 * DEVICES)).isEqualTo(2 * DEVICES);
    assertThat(register("ok.test", true, DEVICES)).isEqualTo(DEVICES);
    Await.until(
        Duration.ofMinutes(2),
        "an automatic incident (the monitor reads: "
            + fx.status().registrations().read(java.time.Instant.now()).summary()
            + ")",
        () -> {
          try {
            return json("/api/v2/incidents/unresolved.json").get("incidents").size() == 1;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    Duration detected = Duration.ofNanos(System.nanoTime() - failingSince);
    assertThat(detected).isLessThan(Duration.ofMinutes(2));

    JsonNode summary = json("/api/v2/summary.json");
    assertThat(summary.at("/status/indicator").asText()).isEqualTo("minor");
    assertThat(componentStatus(summary, "SIP Registration")).isEqualTo("degraded_performance");
    // no WebSocket listener here: the webphone is not offered, so it is not called operational
    assertThat(summary.get("components").findValuesAsText("name"))
        .doesNotContain("Webphone (WebRTC)");
    JsonNode incident = summary.get("incidents").get(0);
    assertThat(incident.get("name").asText()).isEqualTo("SIP registrations failing");
    assertThat(incident.get("status").asText()).isEqualTo("investigating");
    // today, in the page's history, says so rather than "No incidents reported"
    assertThat(text("/")).contains("An incident in progress, shown above.");
    assertThat(incident.at("/incident_updates/0/body").asText())
        .startsWith("Detected automatically: ")
        .contains("registrations failed");
    // the admin API names the tenant; nothing public does
    JsonNode admin =
        JSON.readTree(
            call("GET", "/api/v1/status/incidents/" + incident.get("id").asText(), null).body());
    assertThat(admin.get("tenants")).extracting(JsonNode::asText).containsExactly("bench.test");
    assertThat(admin.get("monitor").asText()).isEqualTo("registration");
    for (String path :
        List.of(
            "/api/v2/summary.json",
            "/api/v2/incidents.json",
            "/api/v2/incidents/unresolved.json",
            "/",
            "/incidents/" + incident.get("id").asText(),
            "/history.rss",
            "/history.atom")) {
      assertThat(text(path))
          .as(path)
          .contains("SIP registrations failing")
          .doesNotContain("bench.test");
    }

    Await.until(
        Duration.ofSeconds(20),
        "the webhooks and the mail",
        () ->
            hooks.containsKey("/noc")
                && hooks.containsKey("/bench")
                && smtp.getReceivedMessages().length == 2);
    String[] noc = firstHook("/noc");
    assertThat(noc[1]).isEqualTo("sha256=" + Notifier.sign(secret, noc[0], noc[2]));
    assertThat(JSON.readTree(noc[2]).at("/incident/name").asText())
        .isEqualTo("SIP registrations failing");
    assertThat(noc[2]).doesNotContain("bench.test");
    assertThat(JSON.readTree(firstHook("/bench")[2]).get("tenant").asText())
        .isEqualTo("bench.test");
    assertThat(hooks)
        .doesNotContainKey("/ok"); // the other tenant's devices are fine: it hears nothing
    // what an operator sees of a subscriber's notifications
    JsonNode subscribers = JSON.readTree(call("GET", "/api/v1/status/subscribers", null).body());
    String nocId = "none";
    for (JsonNode sub : subscribers) {
      if (sub.get("address").asText().endsWith("/noc")) {
        nocId = sub.get("id").asText();
      }
      assertThat(sub.has("secret")).isFalse();
    }
    String deliveries = "/api/v1/status/subscribers/" + nocId + "/deliveries";
    // marked delivered once the receiver's answer is in (just after the receiver saw it)
    Await.until(
        Duration.ofSeconds(10),
        "the delivery to be marked",
        () -> {
          try {
            return !JSON.readTree(call("GET", deliveries, null).body())
                .get(0)
                .get("delivered_at")
                .isNull();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(JSON.readTree(call("GET", deliveries, null).body()).get(0).get("subject").asText())
        .isEqualTo("[Example Telecom status] SIP registrations failing - Investigating");
    MimeMessage mail = smtp.getReceivedMessages()[1];
    assertThat(mail.getSubject())
        .isEqualTo("[Example Telecom status] SIP registrations failing - Investigating");
    assertThat(GreenMailUtil.getBody(mail))
        .contains(
            "Affected: SIP Registration (degraded performance)",
            "/subscriptions/unsubscribe?token=");

    // the phones get their credentials back: monitoring, then resolved after the quiet period
    assertThat(register("bench.test", true, DEVICES)).isEqualTo(DEVICES);
    Await.until(
        Duration.ofSeconds(60),
        "the incident to resolve",
        () -> {
          try {
            return json("/api/v2/incidents/unresolved.json").get("incidents").isEmpty();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    JsonNode resolved = json("/api/v2/incidents.json").get("incidents").get(0);
    assertThat(resolved.get("status").asText()).isEqualTo("resolved");
    assertThat(resolved.get("incident_updates"))
        .extracting(u -> u.get("status").asText())
        .containsExactly("resolved", "monitoring", "investigating");
    JsonNode after = json("/api/v2/summary.json");
    assertThat(componentStatus(after, "SIP Registration")).isEqualTo("operational");
    assertThat(after.at("/status/description").asText()).isEqualTo("All Systems Operational");
  }
}
