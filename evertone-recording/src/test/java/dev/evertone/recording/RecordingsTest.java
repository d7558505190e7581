package dev.evertone.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.media.audio.WavWriter;
import dev.evertone.proxy.CallRecords;
import dev.evertone.proxy.MediaAnchor;
import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.audit.AuditLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recordings directory as a restarted server finds it, and what the API can do with it. */
class RecordingsTest {
  @TempDir Path dir;
  private final List<String> audited = new ArrayList<>();
  private final AuditLog audit =
      new AuditLog() {
        @Override
        public List<AuditEvent> list(@Nullable String batchId, @Nullable Instant since, int limit) {
          return List.of();
        }

        @Override
        public void record(
            Actor actor,
            Instant at,
            String action,
            @Nullable String target,
            @Nullable String detail) {
          audited.add(actor.name() + " " + action + " " + target);
        }
      };

  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private Recordings recordings(Duration retention) {
    return Recordings.start(
        new RecordingConfig(
            dir,
            RecordingPolicy.ON_DEMAND,
            Map.of(),
            retention,
            false,
            Duration.ofMillis(60),
            Duration.ofSeconds(10)),
        MediaAnchor.direct(),
        CallRecords.none(),
        audit,
        new SimpleMeterRegistry(),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /**
   * A recording as a server killed while recording leaves it: 3 s of audio, a header naming 2 s,
   * and a description that says it goes on.
   */
  private Path cutOff(String id, String startedAt) throws Exception {
    Path wav = dir.resolve(id + ".wav");
    try (WavWriter w = WavWriter.create(wav, WavWriter.BYTES_PER_SECOND)) {
      w.write(new byte[3 * WavWriter.BYTES_PER_SECOND], 0, 3 * WavWriter.BYTES_PER_SECOND);
    }
    try (var ch = java.nio.channels.FileChannel.open(wav, java.nio.file.StandardOpenOption.WRITE)) {
      ByteBuffer two = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      two.putInt(0, 2 * WavWriter.BYTES_PER_SECOND);
      ch.write(two, 40);
    }
    Files.writeString(
        dir.resolve(id + ".properties"),
        "call-id=abc@10.0.0.1\ndomain=example.com\ncaller=sip\\:1001@example.com\n"
            + "callee=sip\\:1002@example.com\nstarted-at="
            + startedAt
            + "\nbytes=44\nstate=recording\nstarted-by=policy\n");
    return wav;
  }

  @Test
  void aRecordingCutOffByAKillIsRepairedAtStartAndListedWithItsWholeLength() throws Exception {
    Path wav = cutOff("20261207-095900-0000abcd", "2026-12-07T09:59:00Z");
    Files.writeString(dir.resolve("notes.txt"), "not a recording: left alone");
    try (Recordings r = recordings(Duration.ZERO)) {
      assertThat(r.repairedAtStart()).isEqualTo(1);
      Recording rec = r.find("20261207-095900-0000abcd");
      assertThat(rec.state()).isEqualTo(Recording.State.REPAIRED);
      assertThat(rec.durationSeconds()).isEqualTo(3.0);
      assertThat(rec.bytes()).isEqualTo(Files.size(wav)).isEqualTo(44 + 96_000);
      assertThat(rec.caller()).isEqualTo("sip:1001@example.com");
      assertThat(rec.callId()).isEqualTo("abc@10.0.0.1");
      assertThat(r.list(null, null, 10)).containsExactly(rec);
      assertThat(r.list("other.example", null, 10)).isEmpty();
      byte[] downloaded;
      try (var in = r.open(rec.id())) {
        downloaded = in.readAllBytes();
      }
      assertThat(downloaded).hasSize(44 + 96_000);
      assertThat(ByteBuffer.wrap(downloaded).order(ByteOrder.LITTLE_ENDIAN).getInt(40))
          .isEqualTo(96_000);
    }
    try (Recordings again = recordings(Duration.ZERO)) {
      assertThat(again.repairedAtStart()).as("repaired once").isZero();
      assertThat(again.find("20261207-095900-0000abcd").state())
          .isEqualTo(Recording.State.REPAIRED);
    }
    assertThat(dir.resolve("notes.txt")).exists();
  }

  @Test
  void aDeleteRemovesBothFilesAndIsAudited() throws Exception {
    Path wav = cutOff("20261207-095900-0000abcd", "2026-12-07T09:59:00Z");
    try (Recordings r = recordings(Duration.ZERO)) {
      r.delete("20261207-095900-0000abcd", new Actor("token:ops", "10.0.0.9"));
      assertThat(wav).doesNotExist();
      assertThat(dir.resolve("20261207-095900-0000abcd.properties")).doesNotExist();
      assertThat(audited).containsExactly("token:ops recording.delete 20261207-095900-0000abcd");
      assertThatThrownBy(() -> r.find("20261207-095900-0000abcd"))
          .isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void recordingsOlderThanTheRetentionAreDeletedAndNewerOnesKept() throws Exception {
    cutOff("20261120-100000-00000001", "2026-11-20T10:00:00Z");
    cutOff("20261206-100000-00000002", "2026-12-06T10:00:00Z");
    try (Recordings r = recordings(Duration.ofDays(7))) {
      assertThat(r.expire()).isEqualTo(1);
      assertThat(r.list(null, null, 10))
          .extracting(Recording::id)
          .containsExactly("20261206-100000-00000002");
    }
    try (Recordings keepAll = recordings(Duration.ZERO)) {
      assertThat(keepAll.expire()).as("0: kept for ever").isZero();
    }
  }

  @Test
  void requestsForWhatDoesNotExistSayWhat() {
    try (Recordings r = recordings(Duration.ZERO)) {
      assertThatThrownBy(() -> r.find("../../etc/passwd"))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("is not a recording id (e.g. 20261207-233512-3fa9c2d1)");
      assertThatThrownBy(() -> r.start("no-such-call", Actor.local("ops")))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("no call in progress has the Call-ID 'no-such-call'");
      assertThatThrownBy(() -> r.stop("no-such-call", Actor.local("ops")))
          .isInstanceOf(NotFoundException.class)
          .hasMessage("call 'no-such-call' is not being recorded");
      assertThat(ConflictException.class).isNotNull();
    }
  }
}
