package dev.evertone.sip.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each received datagram to the {@link MessageReceiver}. */
final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(UdpHandler.class);

  private final MessageReceiver receiver;
  private @Nullable UdpFlow flow;

  UdpHandler(MessageReceiver receiver) {
    this.receiver = receiver;
  }

  // Added at registration, before the bind completes: the flow exists once bind().sync() returns.
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    flow = new UdpFlow(ctx.channel());
  }

  UdpFlow flow() {
    return Objects.requireNonNull(flow, "Netty adds the handler when the channel registers");
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    UdpFlow flow = flow();
    flow.startReading();
    ByteBuf content = packet.content();
    byte[] data = new byte[content.readableBytes()];
    content.getBytes(content.readerIndex(), data);
    try {
      receiver.onDatagram(data, new Source(TransportType.UDP, packet.sender(), flow));
    } catch (RuntimeException e) {
      // A bug above the transport must not stop the socket from reading.
      log.error("error handling datagram from {}", packet.sender(), e);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    flow().endReading();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.warn("UDP socket {} error: {}", ctx.channel().localAddress(), cause.toString());
  }
}
