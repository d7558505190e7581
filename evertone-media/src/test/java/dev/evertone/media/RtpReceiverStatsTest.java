package dev.evertone.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** RFC 3550 A.1, A.3 and A.8 on synthetic arrival times. */
class RtpReceiverStatsTest {
  private static final long MS = 1_000_000;

  @Test
  void sequenceNumbersWrappingAt65536AreNotLosses() {
    RtpReceiverStats stats = new RtpReceiverStats(0);
    for (int i = 0; i < 136; i++) {
      stats.onPacket((65_500 + i) & 0xffff, 160 * i, 1, 8000, 20 * MS * i);
    }
    assertThat(stats.expected()).isEqualTo(136);
    assertThat(stats.lost()).isZero();
  }

  @Test
  void gapsAreLostAndDuplicatesNeverMakeLossNegative() {
    RtpReceiverStats stats = new RtpReceiverStats(0);
    for (int seq : new int[] {1, 2, 5, 6, 6, 6, 6, 7}) {
      stats.onPacket(seq, 0, 1, 0, 0);
    }
    assertThat(stats.expected()).isEqualTo(7);
    assertThat(stats.lost()).isZero(); // 2 lost, 3 duplicates
    stats.onPacket(20, 0, 1, 0, 0);
    assertThat(stats.lost()).isEqualTo(20 - 9); // 1 to 20 expected, 9 received
  }

  @Test
  void aSourceRestartingItsNumberingIsFollowedAfterTwoPackets() {
    RtpReceiverStats stats = new RtpReceiverStats(0);
    for (int seq = 100; seq < 110; seq++) {
      stats.onPacket(seq, 0, 1, 0, 0);
    }
    stats.onPacket(30_000, 0, 1, 0, 0); // far away: not counted yet (RFC 3550 A.1)
    for (int seq = 30_001; seq < 30_010; seq++) {
      stats.onPacket(seq, 0, 1, 0, 0);
    }
    assertThat(stats.expected()).isEqualTo(19);
    assertThat(stats.lost()).isZero();
  }

  @Test
  void steadyPacketsHaveNoJitterAndAlternatingDelaysHaveTheirDeviation() {
    RtpReceiverStats steady = new RtpReceiverStats(0);
    RtpReceiverStats shaky = new RtpReceiverStats(0);
    for (int i = 0; i < 400; i++) {
      steady.onPacket(i, 160 * i, 1, 8000, 20 * MS * i);
      // every other packet 10 ms late: transit differences of 10 ms each time
      shaky.onPacket(i, 160 * i, 1, 8000, 20 * MS * i + 10 * MS * (i % 2));
    }
    assertThat(steady.jitterMs()).isZero();
    assertThat(shaky.jitterMs()).isCloseTo(10, within(0.01));
  }

  @Test
  void aTimestampJumpIsANewTimelineNotJitter() {
    RtpReceiverStats stats = new RtpReceiverStats(0);
    for (int i = 0; i < 50; i++) {
      int timestamp = 160 * i + (i >= 25 ? 8000 * 30 : 0); // 30 s ahead from packet 25
      stats.onPacket(i, timestamp, 1, 8000, 20 * MS * i);
    }
    assertThat(stats.timestampJumps()).isEqualTo(1);
    assertThat(stats.jitterMs()).isZero();
  }

  @Test
  void aNewSsrcStartsOverAndKeepsWhatWasCounted() {
    RtpReceiverStats stats = new RtpReceiverStats(0);
    for (int i = 0; i < 10; i++) {
      stats.onPacket(i == 5 ? 99 : i, 0, 1, 0, 0); // one late packet that looks far
    }
    for (int i = 0; i < 10; i++) {
      stats.onPacket(50_000 + i, 0, 2, 0, 0);
    }
    assertThat(stats.ssrcChanges()).isEqualTo(1);
    assertThat(stats.expected()).isEqualTo(100 + 10);
  }

  @Test
  void anUnknownClockRateLeavesJitterAtZero() {
    RtpReceiverStats stats = new RtpReceiverStats(0);
    for (int i = 0; i < 10; i++) {
      stats.onPacket(i, 0, 1, 0, 37 * MS * i);
    }
    assertThat(stats.jitterMs()).isZero();
  }
}
