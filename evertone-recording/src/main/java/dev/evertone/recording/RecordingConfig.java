package dev.evertone.recording;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code media.recording} settings, each named after its key in the messages that reject it.
 *
 * @param directory where recordings are kept ({@code media.recording.directory}; by default {@code
 *     <data-dir>/recordings})
 * @param policy which calls are recorded ({@code media.recording.policy})
 * @param domains the domains whose policy is another ({@code media.recording.domains}), lower case
 * @param retention how long a recording is kept ({@code media.recording.retention}); zero: for ever
 * @param announce whether both parties hear the call-recorded prompt when a recording starts
 *     ({@code media.recording.announce})
 * @param jitterDelay how far behind each party's audio the recording runs, so that late packets
 *     find their place ({@code media.recording.jitter-delay})
 * @param maxBacklog how much audio may wait for a slow disk before it is dropped ({@code
 *     media.recording.max-backlog})
 */
public record RecordingConfig(
    Path directory,
    RecordingPolicy policy,
    Map<String, RecordingPolicy> domains,
    Duration retention,
    boolean announce,
    Duration jitterDelay,
    Duration maxBacklog) {

  public RecordingConfig {
    domains = Map.copyOf(domains);
    if (retention.isNegative()) {
      throw new IllegalArgumentException(
          "media.recording.retention must be 0d (keep every recording) or more, was " + retention);
    }
    if (jitterDelay.toMillis() < 20 || jitterDelay.toMillis() > 500) {
      throw new IllegalArgumentException(
          "media.recording.jitter-delay must be 20ms to 500ms, was " + jitterDelay);
    }
    if (maxBacklog.toMillis() < 1000 || maxBacklog.toSeconds() > 600) {
      throw new IllegalArgumentException(
          "media.recording.max-backlog must be 1s to 10m, was " + maxBacklog);
    }
  }

  /** The defaults in {@code directory}: on demand, kept for ever, no announcement. */
  public static RecordingConfig defaults(Path directory) {
    return new RecordingConfig(
        directory,
        RecordingPolicy.ON_DEMAND,
        Map.of(),
        Duration.ZERO,
        false,
        Duration.ofMillis(60),
        Duration.ofSeconds(10));
  }

  /** The policy for calls of {@code domain}. */
  public RecordingPolicy policyFor(String domain) {
    return domains.getOrDefault(domain.toLowerCase(Locale.ROOT), policy);
  }

  /** What sets the policy of {@code domain}, for messages: the key and its value. */
  String policySource(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    return domains.containsKey(d)
        ? "media.recording.domains sets " + d + "=" + policyFor(d).wire()
        : "media.recording.policy is " + policy.wire();
  }

  /**
   * The per-domain policies written as {@code domain=policy} entries ({@code
   * media.recording.domains}).
   *
   * @throws IllegalArgumentException naming the entry and what is accepted
   */
  public static Map<String, RecordingPolicy> domains(List<String> entries) {
    Map<String, RecordingPolicy> out = new LinkedHashMap<>();
    for (String entry : entries) {
      int eq = entry.indexOf('=');
      String domain = eq < 0 ? "" : entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      if (eq < 0 || !domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
        throw new IllegalArgumentException(
            "media.recording.domains: '"
                + entry
                + "' is not domain=policy (e.g. example.com=all; policies: never, on-demand, all)");
      }
      RecordingPolicy p =
          RecordingPolicy.parse(
              entry.substring(eq + 1), "media.recording.domains (" + domain + ")");
      if (out.put(domain, p) != null) {
        throw new IllegalArgumentException(
            "media.recording.domains names " + domain + " twice; give each domain once");
      }
    }
    return out;
  }
}
