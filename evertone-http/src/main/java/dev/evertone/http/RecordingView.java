package dev.evertone.http;

import dev.evertone.recording.Recording;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A recording as the admin API and the CLI show it (JSON fields in snake case). */
public record RecordingView(
    String id,
    String callId,
    String domain,
    String caller,
    String callee,
    Instant startedAt,
    @Nullable Instant endedAt,
    double durationSeconds,
    long bytes,
    String state,
    String startedBy) {

  /** The view of a recording. */
  public static RecordingView of(Recording r) {
    return new RecordingView(
        r.id(),
        r.callId(),
        r.domain(),
        r.caller(),
        r.callee(),
        r.startedAt(),
        r.endedAt(),
        r.durationSeconds(),
        r.bytes(),
        r.state().wire(),
        r.startedBy());
  }
}
