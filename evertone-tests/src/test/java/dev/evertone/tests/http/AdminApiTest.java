package dev.evertone.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.evertone.http.HttpEndpoints;
import dev.evertone.store.Actor;
import dev.evertone.tests.support.Cli;
import dev.evertone.tests.support.ServerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The admin API over real HTTP: tokens, every resource, every kind of bad input, and the OpenAPI
 * document.
 */
class AdminApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private ServerFixture fx;
  private String token;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dir, "provisioning.import.max-bytes=65536");
    token = fx.server.store().tokens().create("crm", Actor.local("test"));
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  record Answer(int status, JsonNode json, String body, HttpResponse<String> raw) {}

  private Answer call(
      String method,
      String path,
      @Nullable String body,
      @Nullable String contentType,
      @Nullable String bearer)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(fx.http() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = MissingNode.getInstance(); // not JSON: every field is missing
    if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
        && !r.body().isEmpty()) {
      json = JSON.readTree(r.body());
    }
    return new Answer(r.statusCode(), json, r.body(), r);
  }

  private Answer call(String method, String path, @Nullable String json) throws Exception {
    return call(method, path, json, json == null ? null : "application/json", token);
  }

  @ParameterizedTest
  @CsvSource({
    "since=yesterday, since",
    "until=2026-13-01T00:00:00Z, until",
    "since=2026-11-24T00:00:00Z&until=2026-11-23T00:00:00Z, until",
    "limit=0, limit",
    "limit=10001, limit",
    "limit=ten, limit",
    "format=xml, format"
  })
  void callRecordsRefuseBadInputNamingTheField(String query, String field) throws Exception {
    Answer a = call("GET", "/api/v1/calls?" + query, null);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("field").asText()).isEqualTo(field);
    assertThat(a.json().get("message").asText()).isNotBlank();
  }

  @Test
  void callRecordsAreAnEmptyListOrACsvHeaderBeforeAnyCall() throws Exception {
    Answer json = call("GET", "/api/v1/calls?domain=example.com&since=2026-01-01T00:00:00Z", null);
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.json().isArray()).isTrue();
    assertThat(json.json().size()).isZero();
    Answer csv = call("GET", "/api/v1/calls?format=csv&limit=10", null);
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.body()).startsWith("id,call_id,domain,caller,callee,").endsWith("mos\r\n");
  }

  @Test
  void everyCallNeedsAValidToken() throws Exception {
    Answer none = call("GET", "/api/v1/domains", null, null, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.raw().headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"evertone\"");
    assertThat(none.json().get("error").asText()).isEqualTo("unauthorized");
    assertThat(none.json().get("message").asText()).contains("evertone token create");
    assertThat(call("GET", "/api/v1/domains", null, null, token + "x").status()).isEqualTo(401);
    assertThat(
            call(
                    "POST",
                    "/api/v1/domains",
                    "{\"name\":\"x.com\"}",
                    "application/json",
                    "not-a-token")
                .status())
        .isEqualTo(401);
    assertThat(fx.server.store().domains().list()).isEmpty();
    fx.server.store().tokens().revoke("crm", Actor.local("test"));
    assertThat(call("GET", "/api/v1/domains", null).status()).isEqualTo(401);
  }

  @Test
  void theOpenApiDocumentIsPublicAndDescribesEveryRoute() throws Exception {
    Answer doc = call("GET", "/api/v1/openapi.json", null, null, null);
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.json().get("openapi").asText()).isEqualTo("3.1.0");
    TreeSet<String> documented = new TreeSet<>();
    for (Map.Entry<String, JsonNode> p : doc.json().get("paths").properties()) {
      p.getValue()
          .fieldNames()
          .forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey()));
    }
    TreeSet<String> served = new TreeSet<>(HttpEndpoints.adminRoutes());
    assertThat(documented).isEqualTo(served);
    // every documented route exists (whatever it says of the made-up values in the path)
    for (String route : served) {
      String[] mp = route.split(" ", 2);
      String path =
          mp[1]
              .replace("{domain}", "example.com")
              .replace("{id}", "1")
              .replace("{extension}", "1001")
              .replace("{auth_user}", "1001")
              .replace("{name}", "carrier-a")
              .replace("{number}", "%2B4930123456")
              .replace("{kind}", "busy")
              .replace("{component}", "no-such-component")
              .replace("{incident}", "nosuchincident")
              .replace("{subscriber}", "nosuchsubscriber")
              .replace("{room}", "800@example.com")
              .replace("{participant}", "1")
              .replace("{call_id}", "no-such-call%40example.com");
      Answer a = call(mp[0], path, mp[0].equals("GET") || mp[0].equals("DELETE") ? null : "{}");
      assertThat(a.status()).as(route).isLessThan(500);
      assertThat(a.body()).as(route).doesNotContain("no such endpoint");
    }
  }

  @Test
  void domainsUsersDevicesAndLines() throws Exception {
    Answer created = call("POST", "/api/v1/domains", "{\"name\": \"Example.COM\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("name").asText()).isEqualTo("example.com");
    assertThat(
            call("POST", "/api/v1/domains", "{\"name\": \"example.com\"}")
                .json()
                .get("error")
                .asText())
        .isEqualTo("conflict");
    assertThat(
            call(
                    "POST",
                    "/api/v1/domains/example.com/users",
                    "{\"extension\": \"3000\", \"display_name\": \"Alice\"}")
                .status())
        .isEqualTo(201);
    assertThat(
            call(
                    "PATCH",
                    "/api/v1/domains/example.com/users/3000",
                    "{\"display_name\": \"Alice B.\"}")
                .json()
                .get("display_name")
                .asText())
        .isEqualTo("Alice B.");

    Answer device =
        call(
            "POST",
            "/api/v1/domains/example.com/devices",
            "{\"extension\": \"1001\", \"display_name\": \"Front desk\","
                + " \"mac\": \"00:15:65:AA:BB:CC\", \"model\": \"Yealink T54W\", \"lines\": [{\"auth_user\": \"1001\", \"secret\": \"s3;'\\\"\"},"
                + " {\"auth_user\": \"1001b\"}]}");
    assertThat(device.status()).as(device.body()).isEqualTo(201);
    long id = device.json().at("/device/id").asLong();
    assertThat(device.json().at("/device/mac").asText()).isEqualTo("00:15:65:aa:bb:cc");
    assertThat(device.json().at("/device/lines/1/aor").asText()).isEqualTo("sip:1001b@example.com");
    assertThat(device.json().at("/device/lines/0/secret").isMissingNode()).isTrue();
    String generated = device.json().at("/generated_secrets/0/secret").asText();
    assertThat(generated).hasSize(20);
    assertThat(
            fx.server
                .store()
                .credentials()
                .lookup("example.com", "1001b", false)
                .orElseThrow()
                .secret())
        .isEqualTo(generated);
    assertThat(
            fx.server
                .store()
                .credentials()
                .lookup("example.com", "1001", false)
                .orElseThrow()
                .secret())
        .isEqualTo("s3;'\"");

    assertThat(
            call("GET", "/api/v1/domains/example.com/devices?mac=001565aabbcc", null)
                .json()
                .get(0)
                .get("id")
                .asLong())
        .isEqualTo(id);
    assertThat(
            call("GET", "/api/v1/domains/example.com/devices/" + id, null)
                .json()
                .get("display_name")
                .asText())
        .isEqualTo("Front desk");
    assertThat(
            call(
                    "PATCH",
                    "/api/v1/domains/example.com/devices/" + id,
                    "{\"model\": \"Yealink T46U\"}")
                .json()
                .get("model")
                .asText())
        .isEqualTo("Yealink T46U");
    assertThat(
            call(
                    "POST",
                    "/api/v1/domains/example.com/devices/" + id + "/lines",
                    "{\"auth_user\": \"1001c\", \"line\": 5}")
                .status())
        .isEqualTo(201);
    assertThat(call("DELETE", "/api/v1/domains/example.com/lines/1001c", null).status())
        .isEqualTo(204);
    Answer secret =
        call("PUT", "/api/v1/domains/example.com/lines/1001/secret", "{\"secret\": null}");
    assertThat(secret.json().get("generated_secret").asText()).hasSize(20);
    assertThat(call("GET", "/api/v1/domains/example.com/lines/1001/history", null).json())
        .hasSize(2);
    assertThat(call("GET", "/api/v1/domains", null).json().get(0).get("lines").asInt())
        .isEqualTo(2);
    assertThat(call("DELETE", "/api/v1/domains/example.com/devices/" + id, null).status())
        .isEqualTo(204);
    assertThat(call("DELETE", "/api/v1/domains/example.com/users/3000", null).status())
        .isEqualTo(204);
    assertThat(call("DELETE", "/api/v1/domains/example.com?with_devices=true", null).status())
        .isEqualTo(204);
    JsonNode audit = call("GET", "/api/v1/audit?limit=3", null).json();
    assertThat(audit.get(0).get("action").asText()).isEqualTo("domain.remove");
    assertThat(audit.get(0).get("actor").asText()).isEqualTo("token:crm");
    assertThat(audit.get(0).get("source").asText()).isEqualTo("127.0.0.1");
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3} {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST | /api/v1/domains | {\"name\": | 400 | invalid",
        "POST | /api/v1/domains | {\"name\": \"a.com\", \"colour\": 1} | 400 | invalid",
        "POST | /api/v1/domains | {} | 400 | invalid",
        "POST | /api/v1/domains | [] | 400 | invalid",
        "POST | /api/v1/domains | null | 400 | invalid",
        "POST | /api/v1/domains | {\"name\": \"bad domain\"} | 400 | invalid",
        "POST | /api/v1/domains/example.com/devices | {\"lines\": []} | 400 | invalid",
        "POST | /api/v1/domains/example.com/devices | {\"mac\": \"zz\", \"lines\": [{\"auth_user\": \"1\"}]} | 400 | invalid",
        "POST | /api/v1/domains/example.com/devices | {\"lines\": [{\"secret\": \"x\"}]} | 400 | invalid",
        "POST | /api/v1/domains/example.com/devices | {\"lines\": [{\"auth_user\": \"1\", \"line\": \"two\"}]} | 400 | invalid",
        "POST | /api/v1/domains/example.com/devices | {\"domain\": \"other.org\", \"lines\": [{\"auth_user\": \"1\"}]} | 400 | invalid",
        "POST | /api/v1/domains/nowhere.net/devices | {\"lines\": [{\"auth_user\": \"1\"}]} | 404 | not_found",
        "GET | /api/v1/domains/example.com/devices/abc | | 400 | invalid",
        "GET | /api/v1/domains/example.com/devices/999 | | 404 | not_found",
        "PUT | /api/v1/domains/example.com/lines/1001/secret | {\"secret\": \"\"} | 400 | invalid",
        "PUT | /api/v1/domains/example.com/lines/1001/secret | {\"secret\": \"a\\u0000b\"} | 400 | invalid",
        "PUT | /api/v1/domains/example.com/lines/nobody/secret | {\"secret\": \"x\"} | 404 | not_found",
        "DELETE | /api/v1/domains/example.com?with_devices=maybe | | 400 | invalid",
        "GET | /api/v1/audit?limit=0 | | 400 | invalid",
        "GET | /api/v1/audit?since=yesterday | | 400 | invalid",
        "GET | /api/v1/export?format=xml | | 400 | invalid",
        "POST | /api/v1/imports?format=xml | a | 400 | invalid",
        "POST | /api/v1/credentials/restore | {\"dry_run\": true} | 400 | invalid",
        "POST | /api/v1/credentials/restore | {\"at\": \"not a time\"} | 400 | invalid",
        "POST | /api/v1/credentials/restore | {\"batch\": \"import-nope\"} | 404 | not_found",
        "DELETE | /api/v1/domains | | 405 | method_not_allowed",
        "GET | /api/v1/nothing-here | | 404 | not_found",
      })
  void invalidInputGetsAClearJsonError(
      String method, String path, String body, int status, String error) throws Exception {
    fx.provisioning().addDomain("example.com");
    Answer a = call(method, path, body);
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.json().get("error").asText()).isEqualTo(error);
    assertThat(a.json().get("message").asText()).isNotBlank();
    if (path.contains("/devices") && body != null && body.contains("zz")) {
      assertThat(a.json().get("field").asText()).isEqualTo("mac");
    }
  }

  @Test
  void jsonErrorsNameTheFieldAndWhatIsAcceptedNeverAJavaClass() throws Exception {
    Answer unknown = call("POST", "/api/v1/domains", "{\"name\": \"a.com\", \"colour\": 1}");
    assertThat(unknown.json().get("message").asText())
        .isEqualTo("unknown field 'colour'; the fields it takes: name");
    assertThat(unknown.json().get("field").asText()).isEqualTo("colour");
    fx.provisioning().addDomain("example.com");
    Answer kind =
        call(
            "POST",
            "/api/v1/domains/example.com/devices",
            "{\"lines\": [{\"auth_user\": \"1\", \"line\": \"two\"}]}");
    assertThat(kind.json().get("field").asText()).isEqualTo("lines[0].line");
    assertThat(kind.json().get("message").asText()).startsWith("must be a whole number");
    Answer broken = call("POST", "/api/v1/domains", "{\"name\":");
    assertThat(broken.json().get("message").asText()).startsWith("the body is not valid JSON");
    for (Answer a : List.of(unknown, kind, broken)) {
      assertThat(a.body()).doesNotContain("dev.evertone", "class ", "Source:", "REDACTED");
    }
  }

  @Test
  void anErrorNeverEchoesAHugeInput() throws Exception {
    fx.provisioning().addDomain("example.com");
    String cell = "z".repeat(60_000);
    Answer bad =
        call(
            "POST",
            "/api/v1/imports",
            Cli.HEADER + ",example.com,,," + cell + ",,,,1,x\n",
            "text/csv",
            token);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().length()).as(bad.body().substring(0, 300)).isLessThan(4_000);
  }

  @Test
  void aTooLargeBodyIsRefusedWith413() throws Exception {
    Answer a = call("POST", "/api/v1/imports", "x".repeat(70_000), "text/csv", token);
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.json().get("error").asText()).isEqualTo("too_large");
  }

  @Test
  void importsExportsAndRestores() throws Exception {
    fx.provisioning().addDomain("example.com");
    StringBuilder csv = new StringBuilder(Cli.HEADER);
    for (int i = 0; i < 20; i++) {
      csv.append(",example.com,,,,,,,").append(1000 + i).append(",pw").append(i).append('\n');
    }
    Answer dry = call("POST", "/api/v1/imports?dry_run=true", csv.toString(), "text/csv", token);
    assertThat(dry.status()).isEqualTo(200);
    assertThat(dry.json().get("applied").asBoolean()).isFalse();
    assertThat(dry.json().at("/summary/created").asInt()).isEqualTo(20);
    assertThat(fx.server.store().domains().sizes()).isEmpty();

    Answer applied =
        call("POST", "/api/v1/imports?file_name=devices.csv", csv.toString(), "text/csv", token);
    assertThat(applied.json().get("batch_id").asText()).startsWith("import-");

    Answer bad =
        call(
            "POST",
            "/api/v1/imports",
            Cli.HEADER + ",example.com,,,zz,,,,1,x\n,example.com,,,,,,,1 1,x\n",
            "text/csv",
            token);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("error").asText()).isEqualTo("invalid_file");
    assertThat(bad.json().get("total").asInt()).isEqualTo(2);
    assertThat(bad.json().at("/errors/0/line").asInt()).isEqualTo(2);
    assertThat(bad.json().at("/errors/0/column").asText()).isEqualTo("mac");
    assertThat(bad.json().at("/errors/1/column").asText()).isEqualTo("auth_user");

    String everyone = csv.toString().replaceAll(",pw\\d+\n", ",SAME\n");
    Answer large = call("POST", "/api/v1/imports", everyone, "text/csv", token);
    assertThat(large.status()).isEqualTo(409);
    assertThat(large.json().get("error").asText()).isEqualTo("confirmation_required");
    assertThat(large.json().get("message").asText())
        .contains("20 lines of example.com, which has 20 (100.0%, limit 10%)");
    assertThat(large.json().at("/plan/summary/updated").asInt()).isEqualTo(20);
    Answer confirmed =
        call("POST", "/api/v1/imports?confirm_large=true", everyone, "text/csv", token);
    String badBatch = confirmed.json().get("batch_id").asText();
    assertThat(
            fx.server
                .store()
                .credentials()
                .lookup("example.com", "1003", false)
                .orElseThrow()
                .secret())
        .isEqualTo("SAME");

    Answer export = call("GET", "/api/v1/export?domain=example.com", null);
    assertThat(export.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(export.body())
        .startsWith(Cli.HEADER.trim())
        .contains("example.com,,,,,,1,1003,SAME");

    Answer restore =
        call(
            "POST",
            "/api/v1/credentials/restore",
            "{\"batch\": \"" + badBatch + "\", \"confirm_large\": true}");
    assertThat(restore.status()).as(restore.body()).isEqualTo(200);
    assertThat(restore.json().at("/summary/restored").asInt()).isEqualTo(20);
    assertThat(
            fx.server
                .store()
                .credentials()
                .lookup("example.com", "1003", false)
                .orElseThrow()
                .secret())
        .isEqualTo("pw3");
    List<String> actions = new ArrayList<>();
    call("GET", "/api/v1/audit?limit=3", null)
        .json()
        .forEach(e -> actions.add(e.get("action").asText() + " " + e.get("batch_id").asText()));
    assertThat(actions)
        .containsExactly(
            "credentials.restore " + restore.json().get("batch_id").asText(),
            "export null",
            "import.apply " + badBatch);
  }
}
