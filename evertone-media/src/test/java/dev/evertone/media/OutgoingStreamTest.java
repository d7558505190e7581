package dev.evertone.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** One continuous stream to a party while evertone's own frames take turns with relayed ones. */
class OutgoingStreamTest {
  private static final long MS = 1_000_000L;

  private static ByteBuf packet(int seq, int timestamp, int ssrc) {
    return Unpooled.wrappedBuffer(Phone.rtp(0, seq, timestamp & 0xffffffffL, ssrc, new byte[160]));
  }

  @Test
  void relayedPacketsPassUntouchedUntilEvertoneSpeaksThenFollowOnInOneStream() {
    OutgoingStream out = new OutgoingStream();
    ByteBuf first = packet(100, 16_000, 0x1111);
    out.relayed(first, 0, 8000, 0);
    assertThat(RtpPackets.sequence(first, 0)).isEqualTo(100);
    assertThat(RtpPackets.ssrc(first, 0)).isEqualTo(0x1111);

    // music starts 40 ms after the last relayed packet: the same SSRC, the next sequence number,
    // the timestamp 40 ms (320 samples) on
    ByteBuf own = Unpooled.buffer(172).writerIndex(172);
    out.own(own, 0, true, 160, 40 * MS);
    assertThat(RtpPackets.ssrc(own, 0)).isEqualTo(0x1111);
    assertThat(RtpPackets.sequence(own, 0)).isEqualTo(101);
    assertThat(RtpPackets.timestamp(own, 0)).isEqualTo(16_320);
    assertThat((int) own.getUnsignedByte(1)).as("marker, payload type 0").isEqualTo(0x80);
    out.own(own, 0, false, 160, 60 * MS);
    assertThat(RtpPackets.sequence(own, 0)).isEqualTo(102);
    assertThat(RtpPackets.timestamp(own, 0)).isEqualTo(16_480);

    // the other party is heard again a second later, its own numbers far from these: rewritten
    ByteBuf back = packet(5000, 900_000, 0x1111);
    out.relayed(back, 0, 8000, 1060 * MS);
    assertThat(RtpPackets.ssrc(back, 0)).isEqualTo(0x1111);
    assertThat(RtpPackets.sequence(back, 0)).isEqualTo(103);
    assertThat(RtpPackets.timestamp(back, 0)).isEqualTo(16_480 + 8000);
    ByteBuf next = packet(5001, 900_160, 0x1111);
    out.relayed(next, 0, 8000, 1080 * MS);
    assertThat(RtpPackets.sequence(next, 0)).isEqualTo(104);
    assertThat(RtpPackets.timestamp(next, 0)).isEqualTo(16_480 + 8160);

    // the other party's phone restarts with a new SSRC: still the one stream the party hears
    ByteBuf restarted = packet(7, 3, 0x2222);
    out.relayed(restarted, 0, 8000, 1100 * MS);
    assertThat(RtpPackets.ssrc(restarted, 0)).isEqualTo(0x1111);
    assertThat(RtpPackets.sequence(restarted, 0)).isEqualTo(105);
    assertThat(RtpPackets.timestamp(restarted, 0)).isEqualTo(16_480 + 8160 + 160);
  }

  @Test
  void sequenceNumbersWrapAt65536() {
    OutgoingStream out = new OutgoingStream();
    out.relayed(packet(65_535, 0, 9), 0, 8000, 0);
    ByteBuf own = Unpooled.buffer(172).writerIndex(172);
    out.own(own, 8, false, 160, 20 * MS);
    assertThat(RtpPackets.sequence(own, 0)).isZero();
  }
}
