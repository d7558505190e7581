package dev.evertone.sip.transport;

import dev.evertone.sip.parser.ParseLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * SIP over WebSocket (RFC 7118): an HTTP upgrade that must offer the {@code sip} subprotocol, then
 * one SIP message per WebSocket message, text or binary, each way. Frames a message was split into
 * are joined (up to the message size limit); pings, pongs and close are answered by Netty.
 */
final class WebSocketPipeline {
  static final String SUBPROTOCOL = "sip";

  private WebSocketPipeline() {}

  /**
   * Adds the upgrade and the WebSocket framing: the upgrade request's headers are bounded by the
   * SIP header limit, its line and body by {@code streams}; a SIP message by the SIP message limit.
   */
  static void add(ChannelPipeline p, ParseLimits limits, StreamLimits streams) {
    p.addLast(
        PipelineNames.HTTP,
        new HttpServerCodec(
            streams.maxUpgradeLineBytes(),
            limits.maxHeaderBytes(),
            streams.maxUpgradeChunkBytes()));
    p.addLast(
        PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(streams.maxUpgradeContentBytes()));
    p.addLast(PipelineNames.WEBSOCKET_SUBPROTOCOL, new SubprotocolCheck());
    p.addLast(
        PipelineNames.WEBSOCKET,
        new WebSocketServerProtocolHandler(
            WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .subprotocols(SUBPROTOCOL)
                .maxFramePayloadLength(limits.maxMessageBytes())
                .allowExtensions(false)
                .dropPongFrames(true)
                // an upgrade still incomplete by then closes the connection (slowloris)
                .handshakeTimeoutMillis(streams.messageTimeout().toMillis())
                .build()));
    p.addLast(
        PipelineNames.WEBSOCKET_AGGREGATOR, new WebSocketFrameAggregator(limits.maxMessageBytes()));
    p.addLast(PipelineNames.WEBSOCKET_FRAMES, new SipFrames());
  }

  /**
   * RFC 7118 4.1: the client must ask for the {@code sip} subprotocol. A request that does not, or
   * is not an upgrade at all (a browser opening the port), gets an HTTP error that says what this
   * port is.
   */
  static final class SubprotocolCheck extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest request) {
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "");
        String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "");
        if (!upgrade.equalsIgnoreCase(HttpHeaderValues.WEBSOCKET.toString())) {
          request.release();
          refuse(
              ctx,
              HttpResponseStatus.UPGRADE_REQUIRED,
              "this port speaks SIP over WebSocket (RFC 7118): connect with a WebSocket"
                  + " client asking for the 'sip' subprotocol");
          return;
        }
        if (!offersSip(offered)) {
          request.release();
          refuse(
              ctx,
              HttpResponseStatus.BAD_REQUEST,
              "the WebSocket handshake must offer the 'sip' subprotocol"
                  + " (Sec-WebSocket-Protocol: sip, RFC 7118 4.1)");
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }

    static boolean offersSip(String header) {
      for (String token : header.split(",", -1)) {
        if (token.trim().toLowerCase(Locale.ROOT).equals(SUBPROTOCOL)) {
          return true;
        }
      }
      return false;
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
      DefaultFullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              Unpooled.copiedBuffer(why + "\n", StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      if (status.equals(HttpResponseStatus.UPGRADE_REQUIRED)) {
        response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      }
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** WebSocket messages in as octets (one SIP message each), SIP messages out as text frames. */
  static final class SipFrames extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {
    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
      if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
        out.add(ByteBufUtil.getBytes(frame.content()));
      }
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf message, List<Object> out) {
      out.add(new TextWebSocketFrame(message.retain()));
    }
  }
}
