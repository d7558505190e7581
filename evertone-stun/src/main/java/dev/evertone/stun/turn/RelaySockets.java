package dev.evertone.stun.turn;

import dev.evertone.stun.StunPipelineNames;
import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The relay sockets of allocations (RFC 8656 2.2: relayed transport addresses), each read by a
 * {@link PeerHandler}.
 */
final class RelaySockets {
  private final EventLoopGroup group;
  private final Class<? extends DatagramChannel> channelClass;
  private final int datagramBytes;
  private final Clock clock;
  private final Counter relayed;

  /**
   * Relay sockets of {@code channelClass} on {@code group} (when bound from outside the listening
   * loops).
   *
   * @param datagramBytes the largest datagram a relay socket receives whole
   * @param relayed counts the datagrams relayed from peers
   */
  RelaySockets(
      EventLoopGroup group,
      Class<? extends DatagramChannel> channelClass,
      int datagramBytes,
      Clock clock,
      Counter relayed) {
    this.group = group;
    this.channelClass = channelClass;
    this.datagramBytes = datagramBytes;
    this.clock = clock;
    this.relayed = relayed;
  }

  /**
   * Binds a relay socket on {@code host}:{@code port} and returns the allocation {@code allocation}
   * makes around it (before it can receive anything); null when the port is taken.
   *
   * <p>The socket is bound on the listening socket's own event loop {@code loop}, so that relaying
   * never hands a datagram to another thread. Within that loop, registering and binding a channel
   * by hand complete at once (a Bootstrap would defer the bind to a later task). Elsewhere (a test
   * calling in), on a relay loop.
   */
  @Nullable Allocation bind(
      EventLoop loop, String host, int port, Function<Channel, Allocation> allocation)
      throws ReflectiveOperationException, InterruptedException {
    boolean here = loop.inEventLoop();
    Channel relay = channelClass.getConstructor().newInstance();
    if (here && relay instanceof EpollDatagramChannel) {
      // level-triggered, one datagram per read: a peer sends one at a time, and Netty would
      // otherwise read on until a read finds nothing (a second recvmsg, and a receive buffer taken
      // and given back, for every datagram); a socket with more waiting is reported again by the
      // next epoll_wait
      relay.config().setOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED);
      relay
          .config()
          .setRecvByteBufAllocator(
              new FixedRecvByteBufAllocator(datagramBytes).maxMessagesPerRead(1));
    }
    Allocation a = allocation.apply(relay);
    relay
        .pipeline()
        .addLast(StunPipelineNames.TURN_PEER_RECEIVER, new PeerHandler(a, clock, relayed));
    ChannelFuture bound = here ? loop.register(relay) : group.register(relay).await();
    if (bound.isSuccess()) {
      bound = relay.bind(new InetSocketAddress(host, port));
      if (!here) {
        bound.await();
      }
    }
    if (bound.isSuccess()) {
      return a;
    }
    // nothing waits for a socket that never bound
    var unused = relay.close();
    return null;
  }
}
