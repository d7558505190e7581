package dev.evertone.media;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one of a leg's ports. Hostile input is dropped and counted by the leg; nothing a datagram
 * contains can throw out of here or close the socket.
 */
final class LegHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(LegHandler.class);

  private final RelayLeg leg;
  private final boolean rtpPort;

  LegHandler(RelayLeg leg, boolean rtpPort) {
    this.leg = leg;
    this.rtpPort = rtpPort;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    try {
      leg.receive(packet.content(), packet.sender(), rtpPort, System.nanoTime());
    } catch (RuntimeException e) {
      log.warn("media packet from {} not relayed: {}", packet.sender(), e.toString());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a socket error (an ICMP error reported on a read, say) does not end the call's media
    log.debug("media socket {}: {}", ctx.channel().localAddress(), cause.toString());
  }
}
