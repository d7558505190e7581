package dev.evertone.sip.transport;

import dev.evertone.sip.RateLimitedLog;
import dev.evertone.sip.parser.FramingException;
import dev.evertone.sip.parser.MessageHead;
import dev.evertone.sip.parser.SipParser;
import dev.evertone.sip.syntax.SipParseException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Frames SIP messages on a stream (RFC 3261 18.3): the headers end at the empty line, then
 * Content-Length octets of body follow (no Content-Length means no body). CRLFs before a message
 * are skipped (RFC 3261 7.5); a double-CRLF ping is answered with a CRLF pong (RFC 5626 4.4.1). A
 * message that has started but is still incomplete after the message timeout closes the connection:
 * a sender that trickles a byte now and then ("slowloris") must not hold a connection slot.
 *
 * <p>Emits {@link dev.evertone.sip.message.SipMessage}s, or one {@link StreamError} after which the
 * connection must close: headers longer than the limit, an unparsable head, or an unusable
 * Content-Length.
 */
final class StreamDecoder extends ByteToMessageDecoder {
  private static final byte[] PONG = "\r\n".getBytes(StandardCharsets.US_ASCII);

  private final SipParser parser;
  private final long messageTimeoutNanos;
  private final RateLimitedLog log;
  private @Nullable MessageHead head;
  private int bodyLength;
  private boolean failed;
  // when the message now incomplete began (System.nanoTime), 0 when none is; messages completed;
  // whether a deadline is armed: only touched on the channel's event loop
  private long incompleteSince;
  private long completed;
  private boolean armed;

  StreamDecoder(SipParser parser, Duration messageTimeout, RateLimitedLog log) {
    this.parser = parser;
    this.messageTimeoutNanos = messageTimeout.toNanos();
    this.log = log;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    long before = completed;
    super.channelRead(ctx, msg);
    boolean incomplete = head != null || (!failed && internalBuffer().isReadable());
    if (!incomplete) {
      incompleteSince = 0;
    } else if (incompleteSince == 0 || completed != before) {
      // a new message began in this read
      incompleteSince = System.nanoTime();
    }
    if (incomplete && !armed) {
      arm(ctx, messageTimeoutNanos);
    }
  }

  private void arm(ChannelHandlerContext ctx, long delayNanos) {
    armed = true;
    ScheduledFuture<?> unused =
        ctx.executor().schedule(() -> deadline(ctx), delayNanos, TimeUnit.NANOSECONDS);
  }

  /** One timer per connection: re-armed for the message pending, if any, when it fires. */
  private void deadline(ChannelHandlerContext ctx) {
    armed = false;
    if (incompleteSince == 0 || !ctx.channel().isActive()) {
      return;
    }
    long left = incompleteSince + messageTimeoutNanos - System.nanoTime();
    if (left > 0) {
      arm(ctx, left);
      return;
    }
    log.warn(
        System.currentTimeMillis(),
        "closing connection from {}: a message begun {} ms ago is still incomplete"
            + " (sip.streams.message-timeout)",
        ctx.channel().remoteAddress(),
        TimeUnit.NANOSECONDS.toMillis(messageTimeoutNanos));
    var unused = ctx.close();
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
    completed++;
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
