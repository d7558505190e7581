package dev.evertone.media;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's counters, registered once so that a packet only increments (no lookup, no
 * allocation).
 */
final class MediaMeters {
  /** The {@code direction} tag: from the caller's party to the callee's, and back. */
  static final int A_TO_B = 0;

  static final int B_TO_A = 1;

  private static final String[] DIRECTIONS = {"a_to_b", "b_to_a"};

  private final List<Map<Outcome, Counter>> packets =
      List.of(new EnumMap<>(Outcome.class), new EnumMap<>(Outcome.class));
  private final Counter[] bytes = new Counter[2];
  private final Counter timeouts;
  private final Counter refusedPorts;
  private final Counter refusedLimit;
  private final Counter played;
  private final Counter lateTicks;

  MediaMeters(MeterRegistry registry) {
    for (int d = 0; d < 2; d++) {
      for (Outcome o : Outcome.values()) {
        packets
            .get(d)
            .put(
                o,
                Counter.builder("evertone.media.packets")
                    .description(
                        "RTP and RTCP datagrams that reached relay ports, by direction (a: the caller's"
                            + " party) and what became of them")
                    .tag("direction", DIRECTIONS[d])
                    .tag("outcome", o.tag)
                    .register(registry));
      }
      bytes[d] =
          Counter.builder("evertone.media.bytes")
              .description("Bytes of RTP and RTCP relayed, by direction")
              .baseUnit("bytes")
              .tag("direction", DIRECTIONS[d])
              .register(registry);
    }
    timeouts =
        Counter.builder("evertone.media.timeouts")
            .description("Sessions closed after the media timeout without a packet")
            .register(registry);
    played =
        Counter.builder("evertone.media.played")
            .description(
                "RTP packets of evertone's own audio sent (music on hold, prompts), one per 20 ms")
            .register(registry);
    lateTicks =
        Counter.builder("evertone.media.clock.late")
            .description(
                "20 ms ticks of the media clock that ran more than 5 ms late (a GC pause, a busy"
                    + " loop): the steadiness of evertone's own packet timing")
            .register(registry);
    refusedPorts = refused(registry, "ports");
    refusedLimit = refused(registry, "limit");
  }

  private static Counter refused(MeterRegistry registry, String reason) {
    return Counter.builder("evertone.media.sessions.refused")
        .description("Sessions not opened: no free port pair, or media.max-sessions reached")
        .tag("reason", reason)
        .register(registry);
  }

  void packet(int direction, Outcome outcome) {
    count(direction, outcome).increment();
  }

  void relayed(int direction, int length) {
    count(direction, Outcome.RELAYED).increment();
    bytes[direction].increment(length);
  }

  private Counter count(int direction, Outcome outcome) {
    Counter c = packets.get(direction).get(outcome);
    if (c == null) {
      throw new IllegalStateException("no counter for " + outcome); // every outcome is registered
    }
    return c;
  }

  void played() {
    played.increment();
  }

  void lateTick() {
    lateTicks.increment();
  }

  void timedOut() {
    timeouts.increment();
  }

  void refusedForPorts() {
    refusedPorts.increment();
  }

  void refusedForLimit() {
    refusedLimit.increment();
  }
}
