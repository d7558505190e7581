package dev.evertone.stun.turn;

import dev.evertone.stun.StunAttributes;
import dev.evertone.stun.StunEncoder;
import dev.evertone.stun.StunMessage;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Datagrams from peers to a relayed address: to the client, over a channel if one is bound, else as
 * a Data indication.
 */
final class PeerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private final Allocation allocation;
  private final Clock clock;
  private final Counter relayed;

  PeerHandler(Allocation allocation, Clock clock, Counter relayed) {
    this.allocation = allocation;
    this.clock = clock;
    this.relayed = relayed;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    Allocation a = allocation;
    InetSocketAddress peer = packet.sender();
    ByteBuf content = packet.content();
    int length = content.readableBytes();
    if (!a.permitted(peer.getAddress(), clock.millis()) || !a.take(length)) {
      return; // RFC 8656 11.3: no permission, no relay
    }
    relayed.increment();
    Integer channel = a.channelOf.get(peer);
    if (channel != null) {
      // RFC 8656 12.5: over TCP and TLS, ChannelData is padded to a multiple of four bytes
      int padded = a.stream ? (length + 3) & ~3 : length;
      ByteBuf out = ctx.alloc().directBuffer(4 + padded);
      out.writeShort(channel)
          .writeShort(length)
          .writeBytes(content, content.readerIndex(), length)
          .writeZero(padded - length);
      a.toClient(out);
    } else {
      byte[] data = new byte[length];
      content.getBytes(content.readerIndex(), data);
      byte[] tid = new byte[12];
      ThreadLocalRandom.current().nextBytes(tid);
      byte[] indication =
          new StunEncoder(StunAttributes.DATA, StunMessage.Kind.INDICATION, tid)
              .xorAddress(StunAttributes.XOR_PEER_ADDRESS, peer)
              .add(StunAttributes.DATA_ATTRIBUTE, data)
              .encode(null, false);
      a.toClient(Unpooled.wrappedBuffer(indication));
    }
  }
}
