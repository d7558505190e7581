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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
      Baresip.lines(fx, DOMAIN, "1001", "1002");
      int server = fx.udp().getPort();
      Path callee =
          Baresip.phone(
              dir.resolve("callee"),
              DOMAIN,
              "1002",
              "pw-1002",
              server,
              Baresip.Audio.G711_1000,
              ";answermode=auto");
      Path caller =
          Baresip.phone(
              dir.resolve("caller"), DOMAIN, "1001", "pw-1001", server, Baresip.Audio.G711_440, "");
      Process answering = Baresip.run(callee, 20, null);
      try {
        Baresip.awaitRegistered(fx, "sip:1002@" + DOMAIN, callee);
        // the caller's baresip hangs up when it quits, after a few seconds of audio
        Process dialling = Baresip.run(caller, 7, "/dial sip:1002@" + DOMAIN);
        assertThat(dialling.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(caller.resolve("out.txt")))
            .contains("Call established: sip:1002@" + DOMAIN);
      } finally {
        answering.destroy();
        answering.waitFor(10, TimeUnit.SECONDS);
      }

      JsonNode list = calls(fx, token, 1);
      assertThat(list.size()).as(list.toString()).isEqualTo(1);
      JsonNode call = list.get(0);
      assertThat(call.get("caller").asText()).isEqualTo("sip:1001@" + DOMAIN);
      assertThat(call.get("callee").asText()).isEqualTo("sip:1002@" + DOMAIN);
      assertThat(call.get("direction").asText()).isEqualTo("internal");
      assertThat(call.get("status").asInt()).isEqualTo(200);
      assertThat(call.get("outcome").asText()).isEqualTo("answered");
      assertThat(call.get("ended_by").asText()).isEqualTo("caller");
      assertThat(call.get("answered_at").isNull()).isFalse();
      // a few seconds of 20 ms packets each way, through the relay
      assertThat(call.get("caller_packets").asLong()).isGreaterThan(100);
      assertThat(call.get("callee_packets").asLong()).isGreaterThan(100);
      assertThat(call.get("caller_lost").asLong()).isZero();
      assertThat(call.get("mos").asDouble()).isBetween(4.0, 4.5);

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
          .isEqualTo(call.get("call_id").asText());
      Cli.Result asCsv = execute(env, "", "calls", "list", "--csv", "--limit", "5");
      assertThat(asCsv.out().split("\r\n")).hasSize(2);
      assertThat(execute(env, "", "calls", "list", "--since", "+1h").out()).contains("no calls");
    }
  }
}
