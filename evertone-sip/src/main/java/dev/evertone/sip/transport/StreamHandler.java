package dev.evertone.sip.transport;

import dev.evertone.sip.message.SipMessage;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the messages of one connection (framed SIP, or WebSocket messages) to the {@link
 * MessageReceiver}; closes on framing loss or idleness.
 */
final class StreamHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(StreamHandler.class);

  private final MessageReceiver receiver;
  private final ConnectionTable connections;
  private final TransportType transport;
  // made when the connection is active (an outgoing one has no remote address before)
  private @Nullable StreamFlow flow;
  private @Nullable Source source;

  StreamHandler(MessageReceiver receiver, ConnectionTable connections, TransportType transport) {
    this.receiver = receiver;
    this.connections = connections;
    this.transport = transport;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    StreamFlow active = new StreamFlow(ctx.channel(), transport);
    flow = active;
    source = new Source(transport, (InetSocketAddress) ctx.channel().remoteAddress(), active);
    connections.add(active);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    StreamFlow closed = flow;
    if (closed != null) {
      connections.remove(closed);
      try {
        receiver.onFlowClosed(closed);
      } catch (RuntimeException e) {
        log.error("error handling the close of {}", source, e);
      }
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Source source =
        Objects.requireNonNull(this.source, "Netty makes a channel active before it reads");
    if (msg instanceof SipMessage message) {
      try {
        receiver.onStreamMessage(message, source);
      } catch (RuntimeException e) {
        log.error("error handling message from {}", source, e);
      }
    } else if (msg instanceof byte[] webSocketMessage) {
      try {
        receiver.onWebSocketMessage(webSocketMessage, source);
      } catch (RuntimeException e) {
        log.error("error handling message from {}", source, e);
      }
    } else if (msg instanceof StreamDecoder.StreamError error) {
      receiver.onStreamFramingError(error.error(), source);
      // RFC 4475 3.3.9: framing is lost, the next message's start is unknown: close after the
      // answer
      ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      log.debug("closing idle connection {}", source);
      // nothing waits for the close; channelInactive cleans up
      var unused = ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("connection {} failed: {}", source, cause.toString());
    // nothing waits for the close; channelInactive cleans up
    var unused = ctx.close();
  }
}
