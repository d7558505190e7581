package dev.evertone.tests.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evertone.store.Actor;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.testing.TestDatabases;
import dev.evertone.store.testing.TestDatabases.Kind;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Level365 outage, replayed against a running server with real phones (SIPp) and the admin API:
 * a bad import gives every device the same key, the phones fail, one restore brings every previous
 * key back, and the phones register again with what they always had. On SQLite and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Kind.class)
class RestoreEndToEndTest {
  private static final int DEVICES = 40;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameter Kind kind;
  @TempDir Path dir;
  private ServerFixture fx;
  private String token;

  @BeforeEach
  void start() throws Exception {
    List<String> overrides =
        new ArrayList<>(
            List.of(
                "auth.failures-per-source.limit=100000",
                "auth.failures-per-account.limit=100000",
                "status.interval=200ms"));
    if (kind == Kind.POSTGRESQL) {
      overrides.add("store.url=" + TestDatabases.freshPostgresUrl());
    }
    fx = new ServerFixture(dir.resolve("data"), overrides.toArray(new String[0]));
    token = fx.server.store().tokens().create("provisioning", Actor.local("test"));
    fx.provision("bench.test", DEVICES);
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private JsonNode post(String path, String contentType, String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(fx.http() + path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /**
   * SIPp registers every device with password "pw" + user; returns how many calls ended as the
   * scenario expects.
   */
  private int sipp(String scenario, String passwordPrefix) throws Exception {
    Peers.require("sipp", "sip-tester");
    Path file = dir.resolve(Path.of(scenario).getFileName());
    if (!file.toFile().exists()) {
      Peers.resource(dir, scenario);
    }
    Peers.Run run =
        Peers.run(
            dir,
            120,
            "sipp",
            "-sf",
            file.toString(),
            "-inf",
            Peers.users(dir, DEVICES, passwordPrefix).toString(),
            "127.0.0.1:" + fx.udp().getPort(),
            "-t",
            "u1",
            "-i",
            "127.0.0.1",
            "-m",
            Integer.toString(DEVICES),
            "-r",
            "50",
            "-timeout",
            "60s",
            "-nostdin");
    Matcher m =
        Pattern.compile("Successful call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)").matcher(run.output());
    assertThat(m.find()).as(run.output()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  @Test
  @DisplayName(
      "after a bad import, one restore brings every device's key back and the phones register again (SIPp)")
  void restoreAfterABadImport() throws Exception {
    assertThat(sipp("peers/sipp-register-auth.xml", "pw")).isEqualTo(DEVICES);

    StringBuilder bad = new StringBuilder("domain,auth_user,secret\n");
    for (int i = 0; i < DEVICES; i++) {
      bad.append("bench.test,u").append(100000 + i).append(",\"Kx9#same;'key\"\"\"\n");
    }
    JsonNode applied =
        post(
            "/api/v1/imports?confirm_large=true&file_name=devices.csv", "text/csv", bad.toString());
    String badBatch = applied.get("batch_id").asText();
    assertThat(applied.at("/summary/updated").asInt()).isEqualTo(DEVICES);
    // the status page notices a large import by itself (Provisioning degraded), whoever confirmed
    // it
    Await.until(
        java.time.Duration.ofSeconds(10),
        "the import's incident",
        () -> !fx.status().service().incidents(IncidentKind.INCIDENT, true, 10).isEmpty());
    assertThat(fx.status().service().incidents(IncidentKind.INCIDENT, true, 10))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.name()).isEqualTo("A large import was applied");
              assertThat(i.components())
                  .containsEntry("provisioning", ComponentStatus.DEGRADED_PERFORMANCE);
              assertThat(i.updates().get(0).body()).contains("devices.csv by token:provisioning");
            });
    // the phones still hold their keys: every registration is refused now
    assertThat(sipp("sipp/register-wrong-password.xml", "pw")).isEqualTo(DEVICES);

    JsonNode restored =
        post(
            "/api/v1/credentials/restore",
            "application/json",
            "{\"batch\": \"" + badBatch + "\", \"confirm_large\": true}");
    assertThat(restored.at("/summary/restored").asInt()).isEqualTo(DEVICES);
    // the cache saw the restore at once: the same phones, the same keys, registered again
    assertThat(sipp("peers/sipp-register-auth.xml", "pw")).isEqualTo(DEVICES);

    HttpResponse<String> audit =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(fx.http() + "/api/v1/audit?limit=20"))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    List<String> story = new ArrayList<>();
    List<String> declared = new ArrayList<>();
    JSON.readTree(audit.body())
        .forEach(
            e -> {
              String line =
                  e.get("action").asText()
                      + " "
                      + e.get("actor").asText()
                      + " "
                      + e.get("target").asText();
              (e.get("action").asText().startsWith("status.") ? declared : story).add(line);
            });
    // the status page declared both by itself: the large import, then the phones that failed to
    // register
    assertThat(declared)
        .anyMatch(l -> l.startsWith("status.incident.declare monitor:import-large"))
        .anyMatch(l -> l.startsWith("status.incident.declare monitor:registration"));
    // the large import is recorded as such too: the status page's import monitor reads it
    assertThat(story)
        .startsWith(
            "credentials.restore token:provisioning " + badBatch,
            "import.apply token:provisioning devices.csv",
            "import.large token:provisioning devices.csv",
            "import.apply cli:test fixture.csv");
  }
}
