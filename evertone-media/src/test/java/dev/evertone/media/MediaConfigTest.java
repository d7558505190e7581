package dev.evertone.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Settings are checked when made, and the messages name the setting. */
class MediaConfigTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void theDefaultsAreValid() {
    MediaConfig c = MediaConfig.defaults(LOOPBACK);
    assertThat(c.portMin()).isEqualTo(20_000);
    assertThat(c.portMax()).isEqualTo(29_999);
    assertThat(c.latchAnySource()).isFalse();
    assertThat(c.mediaTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.effectiveIoThreads()).isPositive();
    assertThat(c.sdpAddress()).isEqualTo(LOOPBACK);
  }

  @Test
  void anOddOrInvertedRangeIsRefusedByName() {
    MediaConfig c = MediaConfig.defaults(LOOPBACK);
    assertThatThrownBy(() -> c.withPorts(20_001, 29_999))
        .hasMessageStartingWith("media.port-min must be even and below media.port-max");
    assertThatThrownBy(() -> c.withPorts(30_000, 20_000))
        .hasMessageStartingWith("media.port-min must be even and below media.port-max");
    assertThatThrownBy(() -> c.withPorts(20_000, 20_002)).hasMessageContaining("two port pairs");
    assertThatThrownBy(() -> c.withPorts(1000, 2000)).hasMessageContaining("1024-65535");
  }

  @Test
  void aWildcardBindNeedsAnAdvertisedAddress() throws Exception {
    InetAddress any = InetAddress.getByName("0.0.0.0");
    assertThatThrownBy(() -> MediaConfig.defaults(any))
        .hasMessageContaining("media.advertised-address is needed");
    InetAddress published = InetAddress.getByName("203.0.113.7");
    MediaConfig c = MediaConfig.defaults(LOOPBACK).withAdvertisedAddress(published);
    assertThat(c.sdpAddress()).isEqualTo(published);
  }

  @Test
  void otherLimitsAreRefusedByName() {
    MediaConfig c = MediaConfig.defaults(LOOPBACK);
    assertThatThrownBy(() -> c.withMaxSessions(0)).hasMessageStartingWith("media.max-sessions");
    assertThatThrownBy(() -> c.withIoThreads(-1)).hasMessageStartingWith("media.io-threads");
    assertThatThrownBy(() -> c.withMediaTimeout(Duration.ofSeconds(-1)))
        .hasMessageStartingWith("media.timeout");
  }
}
