package dev.evertone.tests.calls;

import static dev.evertone.tests.support.Cli.execute;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evertone.store.Actor;
import dev.evertone.tests.support.Baresip;
import dev.evertone.tests.support.Cli;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real call through evertone with its audio anchored leaves a record that an operator reads back
 * through the admin API (JSON and CSV) and the CLI: who called whom, who hung up, the status, and
 * the quality the relay measured.
 */
class CallRecordsTest {
  private static final String DOMAIN = "example.com";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static HttpResponse<String> get(
      ServerFixture fx, String path, String token, String accept) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(fx.http() + path))
            .header("Authorization", "Bearer " + token)
            .header("Accept", accept)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The calls the API lists, once the store thread has written {@code n} of them. */
  private static JsonNode calls(ServerFixture fx, String token, int n) throws Exception {
    JsonNode list = JSON.createArrayNode();
    for (int i = 0; i < 100 && list.size() < n; i++) {
      list = JSON.readTree(get(fx, "/api/v1/calls?domain=" + DOMAIN, token, "*/*").body());
      Thread.sleep(50);
    }
    return list;
  }

  @Test
  void anAnchoredCallIsListedWithItsQualityThroughTheApiAndTheCli() throws Exception {
    Peers.require("baresip", "baresip");
    try (ServerFixture fx =
        new ServerFixture(dir.resolve("data"), "media.anchor=always", "media.host=127.0.0.1")) {
      String token = fx.server.store().tokens().create("ops", Actor.local("test"));
      // the caller's baresip hangs up when it quits, after a few seconds of audio
      Baresip.Call call =
          Baresip.call(fx, dir, DOMAIN, Baresip.Audio.G711_440, Baresip.Audio.G711_1000, 7);
      assertThat(call.callerSaw()).contains("Call established: sip:1002@" + DOMAIN);

      JsonNode list = calls(fx, token, 1);
      assertThat(list.size()).as(list.toString()).isEqualTo(1);
      JsonNode record = list.get(0);
      assertThat(record.get("caller").asText()).isEqualTo("sip:1001@" + DOMAIN);
      assertThat(record.get("callee").asText()).isEqualTo("sip:1002@" + DOMAIN);
      assertThat(record.get("direction").asText()).isEqualTo("internal");
      assertThat(record.get("status").asInt()).isEqualTo(200);
      assertThat(record.get("outcome").asText()).isEqualTo("answered");
      assertThat(record.get("ended_by").asText()).isEqualTo("caller");
      assertThat(record.get("answered_at").isNull()).isFalse();
      // a few seconds of 20 ms packets each way, through the relay
      assertThat(record.get("caller_packets").asLong()).isGreaterThan(100);
      assertThat(record.get("callee_packets").asLong()).isGreaterThan(100);
      assertThat(record.get("caller_lost").asLong()).isZero();
      assertThat(record.get("mos").asDouble()).isBetween(4.0, 4.5);

      HttpResponse<String> csv = get(fx, "/api/v1/calls", token, "text/csv");
      assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
      String[] rows = csv.body().split("\r\n");
      assertThat(rows[0]).startsWith("id,call_id,domain,caller,callee,");
      assertThat(rows).hasSize(2);
      assertThat(rows[1]).contains(",sip:1001@" + DOMAIN + ",sip:1002@" + DOMAIN + ",");

      Map<String, String> env = Map.of("EVERTONE_SERVER", fx.http(), "EVERTONE_TOKEN", token);
      Cli.Result table = execute(env, "", "calls", "list", "--domain", DOMAIN, "--since", "-1h");
      assertThat(table.code()).as(table.err()).isZero();
      assertThat(table.out())
          .contains("sip:1001@" + DOMAIN, "sip:1002@" + DOMAIN, "answered", "caller")
          .contains("0/0");
      Cli.Result json = execute(env, "", "calls", "list", "--json");
      assertThat(JSON.readTree(json.out()).get(0).get("call_id").asText())
          .isEqualTo(record.get("call_id").asText());
      Cli.Result asCsv = execute(env, "", "calls", "list", "--csv", "--limit", "5");
      assertThat(asCsv.out().split("\r\n")).hasSize(2);
      assertThat(execute(env, "", "calls", "list", "--since", "+1h").out()).contains("no calls");
    }
  }
}
