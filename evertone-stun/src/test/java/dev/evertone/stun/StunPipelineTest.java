package dev.evertone.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StunPipelineTest {

  @Test
  void everyHandlerOfAStreamConnectionHasItsNameFromStunPipelineNames() {
    Mapping<String, SslContext> noCertificate =
        host -> {
          throw new AssertionError("no handshake in this test");
        };
    EmbeddedChannel channel =
        new EmbeddedChannel(
            StunServer.streamPipeline(
                new BindingService(new SimpleMeterRegistry()),
                null,
                noCertificate,
                StunLimits.DEFAULT));
    List<String> names = new ArrayList<>(channel.pipeline().names());
    names.removeIf(name -> name.endsWith("TailContext#0")); // Netty's own end of every pipeline
    assertThat(names)
        .as("a handler added without a name gets a generated one, like StunFrameDecoder#0")
        .containsExactly(
            StunPipelineNames.TLS,
            StunPipelineNames.IDLE,
            StunPipelineNames.FRAME_DECODER,
            StunPipelineNames.STREAM_RECEIVER);
    channel.finishAndReleaseAll();
  }

  @Test
  void theDefaultLimitsAreTheValuesThatWereWrittenInline() {
    StunLimits d = StunLimits.DEFAULT;
    assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.tlsHandshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.maxClientHelloBytes()).isEqualTo(16_384);
    assertThat(d.receiveBufferBytes()).isEqualTo(4 << 20);
    assertThat(d.maxDatagramBytes()).isEqualTo(4_096);
    assertThat(d.clientQueueBytes()).isEqualTo(4 << 20);
    assertThat(d.nonceLifetime()).isEqualTo(Duration.ofMinutes(10));
    assertThat(d.relayDatagramBytes()).isEqualTo(2_048);
  }

  @Test
  void aLimitOutOfRangeIsRefusedWithItsName() {
    StunLimits d = StunLimits.DEFAULT;
    assertThatThrownBy(
            () ->
                new StunLimits(
                    d.idleTimeout(),
                    d.tlsHandshakeTimeout(),
                    d.maxClientHelloBytes(),
                    d.receiveBufferBytes(),
                    d.maxDatagramBytes(),
                    d.clientQueueBytes(),
                    Duration.ZERO,
                    d.relayDatagramBytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nonceLifetime");
    assertThatThrownBy(
            () ->
                new StunLimits(
                    d.idleTimeout(),
                    d.tlsHandshakeTimeout(),
                    d.maxClientHelloBytes(),
                    d.receiveBufferBytes(),
                    100,
                    d.clientQueueBytes(),
                    d.nonceLifetime(),
                    d.relayDatagramBytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDatagramBytes");
  }
}
