package dev.evertone.sip.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.RateLimitedLog;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.parser.FramingException;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StreamDecoderTest {
  private static final String MESSAGE =
      "MESSAGE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\n"
          + "To: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nContent-Length: 5\r\n\r\nhello";

  private static EmbeddedChannel channel() {
    return channel(Duration.ofSeconds(20));
  }

  private static EmbeddedChannel channel(Duration messageTimeout) {
    return new EmbeddedChannel(
        new StreamDecoder(
            new SipParser(ParseLimits.DEFAULT),
            messageTimeout,
            new RateLimitedLog(LoggerFactory.getLogger(StreamDecoderTest.class), 10)));
  }

  @Test
  void aMessageStillIncompleteAfterTheTimeoutClosesTheConnection() throws InterruptedException {
    EmbeddedChannel ch = channel(Duration.ofMillis(200));
    ch.writeInbound(Unpooled.copiedBuffer(MESSAGE.substring(0, 40), StandardCharsets.US_ASCII));
    Thread.sleep(100);
    ch.writeInbound(Unpooled.copiedBuffer(MESSAGE.substring(40, 60), StandardCharsets.US_ASCII));
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).as("a byte now and then does not extend the deadline yet").isTrue();
    Thread.sleep(150);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).as("250 ms after the message began").isFalse();
  }

  @Test
  void aBusyConnectionWhoseReadsEndMidMessageStaysOpen() throws InterruptedException {
    EmbeddedChannel ch = channel(Duration.ofMillis(200));
    String two = MESSAGE + MESSAGE;
    int half = MESSAGE.length() / 2;
    // every read completes the message begun in the one before and begins another
    ch.writeInbound(Unpooled.copiedBuffer(MESSAGE.substring(0, half), StandardCharsets.US_ASCII));
    for (int i = 0; i < 5; i++) {
      Thread.sleep(100);
      ch.runScheduledPendingTasks();
      ch.writeInbound(Unpooled.copiedBuffer(two.substring(half, MESSAGE.length() + half), UTF_8));
    }
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    int received = 0;
    while (ch.readInbound() instanceof SipMessage) {
      received++;
    }
    assertThat(received).isEqualTo(5);
  }

  @Test
  void keepAlivesAloneArmNoDeadline() throws InterruptedException {
    EmbeddedChannel ch = channel(Duration.ofMillis(100));
    ch.writeInbound(Unpooled.copiedBuffer(MESSAGE + "\r\n\r\n", StandardCharsets.US_ASCII));
    Thread.sleep(150);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void oneByteAtATime() {
    EmbeddedChannel ch = channel();
    byte[] bytes = ("\r\n" + MESSAGE + MESSAGE).getBytes(StandardCharsets.US_ASCII);
    for (byte b : bytes) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    SipMessage first = ch.readInbound();
    SipMessage second = ch.readInbound();
    assertThat(first.bodyLength()).isEqualTo(5);
    assertThat(second.callId()).isEqualTo("c");
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.<Object>readOutbound()).isNull(); // a single CRLF is not a ping
  }

  @Test
  void doubleCrlfIsAPing() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer("\r\n\r\n", StandardCharsets.US_ASCII));
    ByteBuf pong = ch.readOutbound();
    assertThat(pong.toString(StandardCharsets.US_ASCII)).isEqualTo("\r\n");
  }

  @Test
  void badContentLengthEmitsOneErrorThenDiscards() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(
        Unpooled.copiedBuffer(
            MESSAGE.replace("Content-Length: 5", "Content-Length: -5") + MESSAGE,
            StandardCharsets.US_ASCII));
    StreamDecoder.StreamError error = ch.readInbound();
    assertThat(error.error()).isInstanceOf(FramingException.class);
    assertThat(ch.<Object>readInbound()).isNull();
  }
}
