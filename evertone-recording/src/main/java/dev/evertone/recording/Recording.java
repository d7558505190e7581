package dev.evertone.recording;

import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One recording, as listed.
 *
 * @param id its name, {@code 20261207-233512-3fa9c2d1} (when it started, and a random part)
 * @param callId the SIP Call-ID of the call recorded
 * @param domain the call's domain
 * @param caller the caller's address (left channel)
 * @param callee the address called (right channel)
 * @param startedAt when recording started
 * @param endedAt when it ended; null while it goes on
 * @param durationSeconds the audio's length
 * @param bytes the file's size
 * @param state recording, complete, repaired (cut off by a crash and repaired at start) or failed
 * @param startedBy {@code policy}, or the actor who asked for it
 */
public record Recording(
    String id,
    String callId,
    String domain,
    String caller,
    String callee,
    Instant startedAt,
    @Nullable Instant endedAt,
    double durationSeconds,
    long bytes,
    State state,
    String startedBy) {

  /** Where a recording is. */
  public enum State {
    RECORDING,
    COMPLETE,
    REPAIRED,
    FAILED;

    /** As the API and CLI show it. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
