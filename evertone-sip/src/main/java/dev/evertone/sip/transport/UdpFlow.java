package dev.evertone.sip.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * A UDP socket. Writes made on its event loop while a batch of datagrams is being read are flushed
 * once at the end of the batch, so that Netty's epoll transport can hand them to the kernel
 * together.
 */
final class UdpFlow implements Flow {
  private final Channel channel;
  // Both only touched on the channel's event loop.
  private boolean reading;
  private boolean pendingFlush;

  UdpFlow(Channel channel) {
    this.channel = channel;
  }

  @Override
  public TransportType transport() {
    return TransportType.UDP;
  }

  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public void send(byte[] bytes, @Nullable InetSocketAddress remote, SendFailureHandler onFailure) {
    if (remote == null) {
      onFailure.onFailure(
          new IllegalArgumentException("a UDP datagram needs a destination address"));
      return;
    }
    if (channel.eventLoop().isShuttingDown()) {
      onFailure.onFailure(
          new java.nio.channels.ClosedChannelException()); // the transport is stopping
      return;
    }
    DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(bytes), remote);
    if (channel.eventLoop().inEventLoop() && reading) {
      pendingFlush = true;
      channel.write(packet).addListener(failureListener(onFailure));
    } else {
      channel.writeAndFlush(packet).addListener(failureListener(onFailure));
    }
  }

  /** Called by the receiving handler when a datagram is read. */
  void startReading() {
    reading = true;
  }

  /** Called by the receiving handler at the end of a read batch: one flush for its responses. */
  void endReading() {
    reading = false;
    if (pendingFlush) {
      pendingFlush = false;
      channel.flush();
    }
  }

  static ChannelFutureListener failureListener(SendFailureHandler onFailure) {
    return future -> {
      if (!future.isSuccess()) {
        onFailure.onFailure(future.cause());
      }
    };
  }

  @Override
  public void close() {
    // the shared UDP socket is closed only when the transport stops
  }

  @Override
  public String toString() {
    return "udp:" + channel.localAddress();
  }
}
