package dev.evertone.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.parser.FramingException;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamDecoderTest {
  private static final String MESSAGE =
      "MESSAGE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\n"
          + "To: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nContent-Length: 5\r\n\r\nhello";

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(new StreamDecoder(new SipParser(ParseLimits.DEFAULT)));
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
