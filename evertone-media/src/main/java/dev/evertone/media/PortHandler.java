package dev.evertone.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one of a leg's ports (a relayed leg's or an endpoint leg's). Hostile input is dropped and
 * counted by the leg; nothing a datagram contains can throw out of here or close the socket.
 */
final class PortHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(PortHandler.class);

  /** A leg that reads what reaches its ports. On the leg's event loop. */
  interface Receiver {
    void receive(ByteBuf content, InetSocketAddress sender, boolean onRtpPort, long nowNanos);
  }

  private final Receiver leg;
  private final boolean rtpPort;

  PortHandler(Receiver leg, boolean rtpPort) {
    this.leg = leg;
    this.rtpPort = rtpPort;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    try {
      leg.receive(packet.content(), packet.sender(), rtpPort, System.nanoTime());
    } catch (RuntimeException e) {
      log.warn("media packet from {} not read: {}", packet.sender(), e.toString());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a socket error (an ICMP error reported on a read, say) does not end the call's media
    log.debug("media socket {}: {}", ctx.channel().localAddress(), cause.toString());
  }
}
