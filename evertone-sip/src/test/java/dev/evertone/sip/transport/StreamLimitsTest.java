package dev.evertone.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.sip.parser.ParseLimits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamLimitsTest {

  @Test
  void theDefaultsAreTheLimitsStreamsHadWhenTheyWereWrittenInline() {
    StreamLimits d = StreamLimits.DEFAULT;
    assertThat(d.tlsHandshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.maxClientHelloBytes()).isEqualTo(16_384);
    assertThat(d.maxUpgradeLineBytes()).isEqualTo(4096);
    assertThat(d.maxUpgradeChunkBytes()).isEqualTo(8192);
    assertThat(d.maxUpgradeContentBytes()).isEqualTo(8192);
    assertThat(d.acceptBacklog()).isEqualTo(1024);
    assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.maxConnectionsPerSource()).isEqualTo(256);
    assertThat(d.messageTimeout()).isEqualTo(Duration.ofSeconds(20));
    TransportConfig config =
        new TransportConfig(List.of(), ParseLimits.DEFAULT, 1, 1 << 20, 10, 60, "test.evertone");
    assertThat(config.streams()).isEqualTo(StreamLimits.DEFAULT);
  }

  @Test
  void aLimitOutOfRangeIsRefusedWithItsName() {
    assertThatThrownBy(
            () ->
                new StreamLimits(
                    Duration.ZERO,
                    16_384,
                    4096,
                    8192,
                    8192,
                    1024,
                    Duration.ofSeconds(5),
                    256,
                    Duration.ofSeconds(20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tlsHandshakeTimeout");
    assertThatThrownBy(
            () ->
                new StreamLimits(
                    Duration.ofSeconds(10),
                    16_384,
                    4096,
                    8192,
                    8192,
                    0,
                    Duration.ofSeconds(5),
                    256,
                    Duration.ofSeconds(20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acceptBacklog");
  }
}
