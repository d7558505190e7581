package dev.evertone.stun;

import dev.evertone.stun.turn.TurnService;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Cuts a TCP or TLS byte stream into STUN messages (RFC 8489 6.2.2: two zero bits and the magic
 * cookie, 20 bytes of header plus the length field) and ChannelData messages (RFC 8656 12.5: 4
 * bytes of header plus the length, padded to a multiple of four). Anything else means the framing
 * is lost: the connection is closed. ChannelData only comes after an allocation made on the
 * connection ("GET /" looks like it, for one).
 */
final class StunFrameDecoder extends ByteToMessageDecoder {
  private final @Nullable TurnService turn;

  StunFrameDecoder(@Nullable TurnService turn) {
    this.turn = turn;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.readableBytes() >= 4) {
      int at = in.readerIndex();
      int kind = in.getUnsignedByte(at) >> 6;
      int length = in.getUnsignedShort(at + 2);
      int frame;
      if (kind == 0) {
        if (in.readableBytes() < 8) {
          return;
        }
        if (in.getInt(at + 4) != StunMessage.MAGIC_COOKIE) {
          // not STUN (RFC 7983): the connection is not one to keep; nothing waits for its close
          in.skipBytes(in.readableBytes());
          var unused = ctx.close();
          return;
        }
        frame = StunMessage.HEADER + length;
      } else if (kind == 1 && turn != null && turn.allocated(ctx.channel())) {
        frame = 4 + ((length + 3) & ~3);
      } else {
        in.skipBytes(in.readableBytes());
        var unused = ctx.close(); // the framing is lost; nothing waits for the close
        return;
      }
      if (in.readableBytes() < frame) {
        return;
      }
      out.add(in.readRetainedSlice(frame));
    }
  }
}
