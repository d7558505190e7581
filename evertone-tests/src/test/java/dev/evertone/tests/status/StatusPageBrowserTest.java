package dev.evertone.tests.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evertone.store.Actor;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public status page in a real browser (headless Chromium): what a customer sees, rendered
 * without any script, and a screenshot of it kept in target/ for a person to look at. Also what the
 * admin API answers to bad input.
 */
class StatusPageBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private ServerFixture fx;
  private String token;

  @BeforeEach
  void start() throws Exception {
    fx =
        new ServerFixture(
            dir.resolve("data"),
            "status.page-name=Example Telecom status",
            "status.max-body-chars=500");
    token = fx.server.store().tokens().create("noc", Actor.local("test"));
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return fx.api(method, path, body, token);
  }

  /** Chromium's rendering of a page: the DOM after load, and a screenshot. */
  private String render(String url, Path screenshot) throws Exception {
    Peers.require("chromium", "chromium");
    Path profile = Files.createDirectories(dir.resolve("chromium"));
    String[] common = {
      "chromium",
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--user-data-dir=" + profile,
      "--window-size=1280,2400"
    };
    Peers.Run shot = Peers.run(dir, 120, concat(common, "--screenshot=" + screenshot, url));
    assertThat(screenshot).as(shot.output()).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    return Peers.run(dir, 120, concat(common, "--dump-dom", url)).output();
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aCustomerSeesTheComponentsTheOpenIncidentAndItsUpdatesInABrowser() throws Exception {
    HttpResponse<String> declared =
        call(
            "POST",
            "/api/v1/status/incidents",
            """
        {"name": "Calls to mobile networks failing", "impact": "major", "body": "Calls to some mobile numbers fail with 503.",
         "components": {"outgoing-calls": "partial_outage"}}""");
    assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
    String id = JSON.readTree(declared.body()).get("id").asText();
    // the operators see who declared it; the public never does
    assertThat(JSON.readTree(declared.body()).get("declared_by").asText()).isEqualTo("token:noc");
    assertThat(
            call(
                    "POST",
                    "/api/v1/status/incidents/" + id + "/updates",
                    """
        {"status": "identified", "body": "A carrier trunk refuses our calls; traffic moves to the second carrier."}""")
                .statusCode())
        .isEqualTo(200);

    Path screenshot = Path.of("target", "status-page.png").toAbsolutePath();
    Files.createDirectories(screenshot.getParent());
    Files.deleteIfExists(screenshot);
    String dom = render(fx.http() + "/", screenshot);
    assertThat(dom).contains("<title>Example Telecom status</title>", "Partial System Outage");
    for (String component :
        new String[] {
          "SIP Registration",
          "Outgoing Calls",
          "Incoming Calls",
          "Webphone (WebRTC)",
          "STUN/TURN",
          "Provisioning",
          "Admin API"
        }) {
      assertThat(dom).contains(">" + component + "<");
    }
    assertThat(dom)
        .containsPattern(
            "id=\"component-outgoing-calls\".*?class=\"status s-partial_outage\">Partial outage<");
    // no WebSocket listener in this fixture: the webphone is not offered here
    assertThat(dom)
        .containsPattern("id=\"component-webphone\".*?class=\"status s-off\">Not configured<");
    assertThat(dom)
        .contains(
            "Calls to mobile networks failing",
            "<strong>Identified</strong> - A carrier trunk refuses our calls",
            "<strong>Investigating</strong> - Calls to some mobile numbers fail with 503.");
    assertThat(dom).contains("90 days ago", "100.00 % uptime").contains("No incidents reported.");

    // the incident's own page, where the mails and feeds link to
    String page = render(fx.http() + "/incidents/" + id, dir.resolve("incident.png"));
    assertThat(page)
        .contains("Calls to mobile networks failing", "A carrier trunk refuses our calls")
        .doesNotContain("token:noc");
    assertThat(dom).doesNotContain("token:noc");
  }

  @Test
  void badInputToTheAdminApiGetsA400ThatSaysWhatIsWrong() throws Exception {
    HttpResponse<String> unknown =
        call(
            "POST",
            "/api/v1/status/incidents",
            """
        {"name": "x", "impact": "minor", "body": "y", "components": {"sip-registraton": "major_outage"}}""");
    assertThat(unknown.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(unknown.body());
    assertThat(error.get("field").asText()).isEqualTo("components");
    assertThat(error.get("message").asText())
        .contains("there is no component 'sip-registraton'", "sip-registration");

    HttpResponse<String> badStatus =
        call(
            "POST",
            "/api/v1/status/incidents",
            """
        {"name": "x", "impact": "minor", "body": "y", "components": {"webphone": "on_fire"}}""");
    assertThat(badStatus.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badStatus.body()).get("message").asText())
        .contains("'on_fire' is not one of operational");

    HttpResponse<String> tooLong =
        call(
            "POST",
            "/api/v1/status/incidents",
            "{\"name\": \"x\", \"impact\": \"minor\", \"body\": \"" + "y".repeat(501) + "\"}");
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(tooLong.body()).get("message").asText())
        .isEqualTo("body: is 501 characters long; at most 500 are allowed");

    HttpResponse<String> typo =
        call(
            "POST",
            "/api/v1/status/incidents",
            "{\"name\": \"x\", \"impact\": \"minor\", \"body\": \"y\", " + "\"sevrity\": 1}");
    assertThat(typo.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(typo.body()).get("message").asText()).contains("sevrity");

    String id =
        JSON.readTree(
                call(
                        "POST",
                        "/api/v1/status/incidents",
                        "{\"name\": \"x\", \"impact\": \"minor\", \"body\": \"y\"}")
                    .body())
            .get("id")
            .asText();
    assertThat(
            call(
                    "POST",
                    "/api/v1/status/incidents/" + id + "/updates",
                    "{\"status\": \"resolved\", \"body\": \"done\"}")
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> reopened =
        call(
            "POST",
            "/api/v1/status/incidents/" + id + "/updates",
            "{\"status\": \"investigating\", " + "\"body\": \"again\"}");
    assertThat(reopened.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(reopened.body()).get("message").asText())
        .contains("is resolved and cannot change");
    assertThat(
            call(
                    "POST",
                    "/api/v1/status/incidents/nosuchincident/updates",
                    "{\"status\": \"resolved\", \"body\": \"x\"}")
                .statusCode())
        .isEqualTo(404);
    assertThat(
            call(
                    "POST",
                    "/api/v1/status/subscribers",
                    "{\"type\": \"webhook\", \"url\": \"http://127.0.0.1:9/x\", \"domain\": "
                        + "\"nowhere.test\"}")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            call(
                    "POST",
                    "/api/v1/status/subscribers",
                    "{\"type\": \"email\", \"email\": \"noc@example.org\"}")
                .body())
        .contains("need an SMTP relay");
    // the public form: a clear page for bad input, and no flood from one host
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(fx.http() + "/subscribe"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("email=not-an-address"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("Not subscribed");
    }
    HttpResponse<String> flood =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(fx.http() + "/subscribe"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("email=a%40example.org"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(flood.statusCode()).isEqualTo(429);
    assertThat(flood.body()).contains("too many subscriptions");
    // and each refusal changed nothing: one incident, resolved
    JsonNode all = JSON.readTree(call("GET", "/api/v1/status/incidents", "").body());
    assertThat(all).hasSize(1);
    assertThat(all.get(0).get("status").asText()).isEqualTo("resolved");
  }
}
