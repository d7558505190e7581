package dev.evertone.media;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads one of an endpoint leg's ports: nothing a datagram holds can throw out of here. */
final class EndpointHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger log = LoggerFactory.getLogger(EndpointHandler.class);

  private final EndpointLeg leg;
  private final boolean rtpPort;

  EndpointHandler(EndpointLeg leg, boolean rtpPort) {
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
    log.debug("media socket {}: {}", ctx.channel().localAddress(), cause.toString());
  }
}
