package dev.evertone.sip.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * One stream connection (TCP, TLS, WebSocket). Bindings keep their flow until they expire, possibly
 * long after the connection closed; so the flow lets go of the channel (its pipeline, buffers and
 * TLS engine) when it closes and keeps only the addresses.
 */
final class StreamFlow implements Flow {
  private volatile @Nullable Channel channel;
  private final TransportType transport;
  private final InetSocketAddress local;
  private final InetSocketAddress remote;

  StreamFlow(Channel channel, TransportType transport) {
    this.channel = channel;
    this.transport = transport;
    this.local = (InetSocketAddress) channel.localAddress();
    this.remote = (InetSocketAddress) channel.remoteAddress();
    channel.closeFuture().addListener(closed -> this.channel = null);
  }

  @Override
  public TransportType transport() {
    return transport;
  }

  @Override
  public InetSocketAddress localAddress() {
    return local;
  }

  InetSocketAddress remoteAddress() {
    return remote;
  }

  @Override
  public boolean isOpen() {
    Channel c = channel;
    return c != null && c.isActive();
  }

  @Override
  public void send(byte[] bytes, @Nullable InetSocketAddress to, SendFailureHandler onFailure) {
    Channel c = channel;
    if (c == null || c.eventLoop().isShuttingDown()) {
      onFailure.onFailure(
          new java.nio.channels.ClosedChannelException()); // closed, or the transport is stopping
      return;
    }
    c.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(UdpFlow.failureListener(onFailure));
  }

  @Override
  public void close() {
    Channel c = channel;
    if (c != null) {
      // nothing waits for it: the channel lets go of the flow when it is closed
      var unused = c.close();
    }
  }

  @Override
  public String toString() {
    return transport.lowerName() + ":" + remote;
  }
}
