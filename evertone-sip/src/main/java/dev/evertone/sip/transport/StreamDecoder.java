package dev.evertone.sip.transport;

import dev.evertone.sip.parser.FramingException;
import dev.evertone.sip.parser.MessageHead;
import dev.evertone.sip.parser.SipParser;
import dev.evertone.sip.syntax.SipParseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Frames SIP messages on a stream (RFC 3261 18.3): the headers end at the empty line, then
 * Content-Length octets of body follow (no Content-Length means no body). CRLFs before a message
 * are skipped (RFC 3261 7.5); a double-CRLF ping is answered with a CRLF pong (RFC 5626 4.4.1).
 *
 * <p>Emits {@link dev.evertone.sip.message.SipMessage}s, or one {@link StreamError} after which the
 * connection must close: headers longer than the limit, an unparsable head, or an unusable
 * Content-Length.
 */
final class StreamDecoder extends ByteToMessageDecoder {
  private static final byte[] PONG = "\r\n".getBytes(StandardCharsets.US_ASCII);

  private final SipParser parser;
  private @Nullable MessageHead head;
  private int bodyLength;
  private boolean failed;

  StreamDecoder(SipParser parser) {
    this.parser = parser;
  }

  /** The stream lost its framing. */
  record StreamError(SipParseException error) {}

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    MessageHead current = head;
    if (current == null) {
      int lineEnds = 0;
      while (in.isReadable()) {
        byte b = in.getByte(in.readerIndex());
        if (b != '\r' && b != '\n') {
          break;
        }
        in.skipBytes(1);
        lineEnds++;
      }
      if (lineEnds >= 4) {
        // a lost pong is a lost datagram's equal: the client pings again, or finds the flow dead
        var unused = ctx.writeAndFlush(Unpooled.wrappedBuffer(PONG));
      }
      if (!in.isReadable()) {
        return;
      }
      int limit = parser.limits().maxHeaderBytes();
      int end = headerEnd(in, Math.min(in.readableBytes(), limit));
      if (end < 0) {
        if (in.readableBytes() > limit) {
          fail(out, new SipParseException("headers exceed " + limit + " bytes", -1, 413));
        }
        return;
      }
      byte[] headBytes = new byte[end];
      in.readBytes(headBytes);
      try {
        current = parser.parseHead(headBytes, 0, end);
      } catch (SipParseException e) {
        fail(out, e);
        return;
      }
      String problem = current.framingProblem();
      if (problem != null) {
        fail(
            out,
            new FramingException(problem, current.framingStatus(), current.toMessage(new byte[0])));
        return;
      }
      head = current;
      bodyLength = current.contentLength() < 0 ? 0 : (int) current.contentLength();
    }
    if (in.readableBytes() < bodyLength) {
      return;
    }
    byte[] body = new byte[bodyLength];
    in.readBytes(body);
    head = null;
    out.add(current.toMessage(body));
  }

  private void fail(List<Object> out, SipParseException e) {
    failed = true;
    head = null;
    out.add(new StreamError(e));
  }

  /**
   * Length up to and including the empty line ending the headers, or -1 if not within {@code max}.
   */
  private static int headerEnd(ByteBuf in, int max) {
    int start = in.readerIndex();
    for (int i = 0; i < max; i++) {
      if (in.getByte(start + i) == '\n') {
        if (i + 1 < max && in.getByte(start + i + 1) == '\n') {
          return i + 2;
        }
        if (i + 2 < max && in.getByte(start + i + 1) == '\r' && in.getByte(start + i + 2) == '\n') {
          return i + 3;
        }
      }
    }
    return -1;
  }
}
