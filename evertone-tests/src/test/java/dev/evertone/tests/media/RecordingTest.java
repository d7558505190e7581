package dev.evertone.tests.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evertone.store.Actor;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.Baresip;
import dev.evertone.tests.support.Cli;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.Tones;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Call recording with real softphones: the caller sends 440 Hz, the callee 1000 Hz, through
 * evertone's relay; the recording's left channel must carry the caller's tone and not the callee's,
 * the right channel the callee's and not the caller's - measured in the WAV file downloaded from
 * the admin API, as a user would get it.
 */
class RecordingTest {
  private static final String DOMAIN = "example.com";
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static HttpResponse<byte[]> api(
      ServerFixture fx, String method, String path, String token) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(fx.http() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
    return JSON.readTree(r.body());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** The median share of {@code hertz} in the non-silent 20 ms blocks of one channel. */
  private static double share(Path wav, int channel, int hertz) throws Exception {
    List<Double> shares =
        Tones.shares(Tones.samples(wav, channel), Tones.rate(wav), hertz).stream()
            .sorted()
            .toList();
    assertThat(shares).as("non-silent blocks in channel " + channel).hasSizeGreaterThan(50);
    return shares.get(shares.size() / 2);
  }

  /** Caller's tone on the left only, callee's on the right only (the issue's check). */
  private static void assertChannels(Path wav) throws Exception {
    assertThat(Tones.rate(wav)).isEqualTo(8000f);
    assertThat(share(wav, 0, 440)).as("left: the caller's 440 Hz").isGreaterThan(0.8);
    assertThat(share(wav, 0, 1000)).as("left: not the callee's 1000 Hz").isLessThan(0.1);
    assertThat(share(wav, 1, 1000)).as("right: the callee's 1000 Hz").isGreaterThan(0.8);
    assertThat(share(wav, 1, 440)).as("right: not the caller's 440 Hz").isLessThan(0.1);
  }

  private static String token(ServerFixture fx) {
    return fx.server.store().tokens().create("ops", Actor.local("test"));
  }

  /** A call of {@code seconds} in the background: 1001 (440 Hz) calls 1002 (1000 Hz). */
  private static CompletableFuture<Baresip.Call> callInBackground(
      ServerFixture fx, Path dir, String domain, int seconds) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Baresip.call(
                fx, dir, domain, Baresip.Audio.G711_440, Baresip.Audio.G711_1000, seconds);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** The Call-ID of the one anchored call, once it is answered. */
  private static String anchoredCall(ServerFixture fx) throws InterruptedException {
    Await.until(
        Duration.ofSeconds(15),
        "a call anchored",
        () -> fx.server.media().anchoredCallIds().size() == 1);
    return fx.server.media().anchoredCallIds().get(0);
  }

  @Test
  void aCallRecordedByPolicyHasEachPartysToneOnItsOwnChannelAndIsListedDownloadedAndDeleted()
      throws Exception {
    Peers.require("baresip", "baresip");
    try (ServerFixture fx =
        new ServerFixture(
            dir.resolve("data"),
            "media.anchor=always",
            "media.host=127.0.0.1",
            "media.recording.policy=all")) {
      String token = token(fx);
      Baresip.Call call =
          Baresip.call(fx, dir, DOMAIN, Baresip.Audio.G711_440, Baresip.Audio.G711_1000, 7);
      assertThat(call.callerSaw()).contains("Call established: sip:1002@" + DOMAIN);
      Await.until(
          Duration.ofSeconds(5),
          "the recording complete",
          () ->
              fx.server.recordings().recording() == 0
                  && !fx.server.recordings().list(null, null, 1).isEmpty());

      JsonNode list = json(api(fx, "GET", "/api/v1/recordings", token));
      assertThat(list.size()).as(list.toString()).isEqualTo(1);
      JsonNode rec = list.get(0);
      String id = rec.get("id").asText();
      assertThat(rec.get("domain").asText()).isEqualTo(DOMAIN);
      assertThat(rec.get("caller").asText()).isEqualTo("sip:1001@" + DOMAIN);
      assertThat(rec.get("callee").asText()).isEqualTo("sip:1002@" + DOMAIN);
      assertThat(rec.get("state").asText()).isEqualTo("complete");
      assertThat(rec.get("started_by").asText()).isEqualTo("policy");
      // as long as the call, from its answer to its BYE
      JsonNode record = json(api(fx, "GET", "/api/v1/calls", token)).get(0);
      assertThat(rec.get("call_id").asText()).isEqualTo(record.get("call_id").asText());
      double talked =
          Duration.between(
                      Instant.parse(record.get("answered_at").asText()),
                      Instant.parse(record.get("ended_at").asText()))
                  .toMillis()
              / 1000.0;
      assertThat(rec.get("duration_seconds").asDouble()).isCloseTo(talked, within(1.0));
      assertThat(talked).isGreaterThan(4);

      HttpResponse<byte[]> wav = api(fx, "GET", "/api/v1/recordings/" + id, token);
      assertThat(wav.statusCode()).isEqualTo(200);
      assertThat(wav.headers().firstValue("Content-Type").orElse("")).startsWith("audio/wav");
      assertThat((long) wav.body().length).isEqualTo(rec.get("bytes").asLong());
      Path downloaded = Files.write(dir.resolve("downloaded.wav"), wav.body());
      assertChannels(downloaded);

      // the CLI sees the same, and downloads the same bytes
      Map<String, String> env = Map.of("EVERTONE_SERVER", fx.http(), "EVERTONE_TOKEN", token);
      Cli.Result listed = Cli.execute(env, "", "recordings", "list");
      assertThat(listed.code()).as(listed.err()).isZero();
      assertThat(listed.out()).contains(id, "sip:1001@" + DOMAIN, "complete", "policy");
      Path cliWav = dir.resolve("cli.wav");
      Cli.Result saved =
          Cli.execute(env, "", "recordings", "download", id, "-o", cliWav.toString());
      assertThat(saved.code()).as(saved.err()).isZero();
      assertThat(Files.readAllBytes(cliWav)).isEqualTo(wav.body());

      Cli.Result deleted = Cli.execute(env, "", "recordings", "delete", id);
      assertThat(deleted.code()).as(deleted.err()).isZero();
      assertThat(json(api(fx, "GET", "/api/v1/recordings", token)).size()).isZero();
      assertThat(api(fx, "GET", "/api/v1/recordings/" + id, token).statusCode()).isEqualTo(404);
      assertThat(dir.resolve("data/recordings/" + id + ".wav")).doesNotExist();
      assertThat(text(api(fx, "GET", "/api/v1/audit", token)))
          .contains("recording.delete")
          .contains(id)
          .contains("token:ops");
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.recordings.started")
                  .tag("by", "policy")
                  .counter()
                  .count())
          .isEqualTo(1);
    }
  }

  @Test
  void theApiStartsAndStopsARecordingAndAStartIsRefusedWhereThePolicyIsNever() throws Exception {
    Peers.require("baresip", "baresip");
    try (ServerFixture fx =
        new ServerFixture(
            dir.resolve("data"),
            "media.anchor=always",
            "media.host=127.0.0.1",
            "media.recording.domains=never.example=never")) {
      String token = token(fx);
      CompletableFuture<Baresip.Call> first = callInBackground(fx, dir.resolve("first"), DOMAIN, 9);
      String callId = anchoredCall(fx);
      String path =
          "/api/v1/calls/" + URLEncoder.encode(callId, StandardCharsets.UTF_8) + "/recording";
      Await.until(
          Duration.ofSeconds(10),
          "the call answered",
          () ->
              fx.server.media().stats(callId).map(s -> s.b().packetsReceived() > 10).orElse(false));
      HttpResponse<byte[]> started = api(fx, "POST", path, token);
      assertThat(started.statusCode()).as(text(started)).isEqualTo(201);
      assertThat(json(started).get("state").asText()).isEqualTo("recording");
      assertThat(json(started).get("started_by").asText()).isEqualTo("token:ops");
      HttpResponse<byte[]> again = api(fx, "POST", path, token);
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(text(again)).contains("is being recorded already");
      String id = json(started).get("id").asText();
      assertThat(api(fx, "GET", "/api/v1/recordings/" + id, token).statusCode())
          .as("not downloadable while it goes on")
          .isEqualTo(409);
      Thread.sleep(4000);
      HttpResponse<byte[]> stopped = api(fx, "DELETE", path, token);
      assertThat(stopped.statusCode()).as(text(stopped)).isEqualTo(200);
      assertThat(json(stopped).get("state").asText()).isEqualTo("complete");
      assertThat(json(stopped).get("duration_seconds").asDouble()).isBetween(3.5, 5.0);
      assertThat(api(fx, "DELETE", path, token).statusCode()).as("stopped already").isEqualTo(404);
      Path wav =
          Files.write(
              dir.resolve("api.wav"), api(fx, "GET", "/api/v1/recordings/" + id, token).body());
      assertChannels(wav);
      first.get(60, TimeUnit.SECONDS);

      // another domain, never recorded: refused, naming the setting
      CompletableFuture<Baresip.Call> second =
          callInBackground(fx, dir.resolve("second"), "never.example", 5);
      String neverCall = anchoredCall(fx);
      HttpResponse<byte[]> refused =
          api(
              fx,
              "POST",
              "/api/v1/calls/"
                  + URLEncoder.encode(neverCall, StandardCharsets.UTF_8)
                  + "/recording",
              token);
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(text(refused))
          .contains("never recorded")
          .contains("media.recording.domains sets never.example=never");
      second.get(60, TimeUnit.SECONDS);
      assertThat(api(fx, "POST", "/api/v1/calls/no-such-call/recording", token).statusCode())
          .isEqualTo(404);
      assertThat(text(api(fx, "GET", "/api/v1/audit", token)))
          .contains("recording.start")
          .contains("recording.stop");
    }
  }

  @Test
  void aRecordingGoingOnWhenTheServerStopsIsCompleteAndOneCutOffByAKillIsRepairedAtStart()
      throws Exception {
    Peers.require("baresip", "baresip");
    Path data = dir.resolve("data");
    String id;
    double seconds;
    Process answering = null;
    Process dialling = null;
    try {
      try (ServerFixture fx =
          new ServerFixture(
              data, "media.anchor=always", "media.host=127.0.0.1", "media.recording.policy=all")) {
        Baresip.lines(fx, DOMAIN, "1001", "1002");
        int port = fx.udp().getPort();
        Path callee =
            Baresip.phone(
                dir.resolve("callee"),
                DOMAIN,
                "1002",
                "pw-1002",
                port,
                Baresip.Audio.G711_1000,
                ";answermode=auto");
        answering = Baresip.run(callee, 60, null);
        Baresip.awaitRegistered(fx, "sip:1002@" + DOMAIN, callee);
        Path caller =
            Baresip.phone(
                dir.resolve("caller"), DOMAIN, "1001", "pw-1001", port, Baresip.Audio.G711_440, "");
        dialling = Baresip.run(caller, 60, "/dial sip:1002@" + DOMAIN);
        anchoredCall(fx);
        Await.until(
            Duration.ofSeconds(10), "a recording", () -> fx.server.recordings().recording() == 1);
        Thread.sleep(3000);
        id = fx.server.recordings().list(null, null, 1).get(0).id();
      } // the server stops while the call and its recording go on
    } finally {
      for (Process p : new Process[] {dialling, answering}) {
        if (p != null) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
    Path wav = data.resolve("recordings/" + id + ".wav");
    long size = Files.size(wav);
    assertThat(headerData(wav)).as("completed on the way out").isEqualTo(size - 44);
    seconds = (size - 44) / 32_000.0;
    assertThat(seconds).isGreaterThan(2.5);
    assertThat(Files.readString(data.resolve("recordings/" + id + ".properties")))
        .contains("state=complete");
    // now as a kill leaves it: the header a second behind, the description still "recording"
    try (FileChannel ch = FileChannel.open(wav, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(0, (int) (size - 44 - 32_000));
      ch.write(b, 40);
    }
    Path meta = data.resolve("recordings/" + id + ".properties");
    Files.writeString(meta, Files.readString(meta).replace("state=complete", "state=recording"));

    try (ServerFixture again =
        new ServerFixture(data, "media.anchor=always", "media.host=127.0.0.1")) {
      assertThat(again.server.recordings().repairedAtStart()).isEqualTo(1);
      JsonNode rec = json(api(again, "GET", "/api/v1/recordings", token(again))).get(0);
      assertThat(rec.get("id").asText()).isEqualTo(id);
      assertThat(rec.get("state").asText()).isEqualTo("repaired");
      assertThat(rec.get("duration_seconds").asDouble()).isCloseTo(seconds, within(0.02));
    }
    assertThat(headerData(wav)).isEqualTo(size - 44);
    assertThat(Tones.samples(wav, 0).length).isEqualTo((int) ((size - 44) / 4));
  }

  private static long headerData(Path wav) throws Exception {
    byte[] h = new byte[44];
    try (var in = Files.newInputStream(wav)) {
      assertThat(in.readNBytes(h, 0, 44)).isEqualTo(44);
    }
    return ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getInt(40) & 0xffffffffL;
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
