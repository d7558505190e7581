package dev.evertone.recording;

import java.util.Locale;

/** Which anchored calls are recorded ({@code media.recording.policy}, per domain). */
public enum RecordingPolicy {
  /** None: a request to record is refused. */
  NEVER,
  /** Only those the admin API (or the CLI) starts recording. */
  ON_DEMAND,
  /** Every anchored call, from its answer. */
  ALL;

  /** As the configuration writes it: never, on-demand, all. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The policy written {@code text}.
   *
   * @param key the configuration key it came from, for the message
   * @throws IllegalArgumentException naming {@code key} and what is accepted
   */
  public static RecordingPolicy parse(String text, String key) {
    for (RecordingPolicy p : values()) {
      if (p.wire().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        key + " must be never, on-demand or all, was '" + text + "'");
  }
}
