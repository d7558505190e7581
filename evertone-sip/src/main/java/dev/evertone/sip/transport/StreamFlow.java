package dev.evertone.sip.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/** One stream connection (TCP; TLS and WebSocket later). */
final class StreamFlow implements Flow {
  private final Channel channel;
  private final TransportType transport;

  StreamFlow(Channel channel, TransportType transport) {
    this.channel = channel;
    this.transport = transport;
  }

  @Override
  public TransportType transport() {
    return transport;
  }

  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  InetSocketAddress remoteAddress() {
    return (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public void send(byte[] bytes, @Nullable InetSocketAddress remote, SendFailureHandler onFailure) {
    if (channel.eventLoop().isShuttingDown()) {
      onFailure.onFailure(new java.nio.channels.ClosedChannelException()); // the transport is stopping
      return;
    }
    channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(UdpFlow.failureListener(onFailure));
  }

  @Override
  public void close() {
    channel.close();
  }

  Channel channel() {
    return channel;
  }

  @Override
  public String toString() {
    return transport.lowerName() + ":" + channel.remoteAddress();
  }
}
