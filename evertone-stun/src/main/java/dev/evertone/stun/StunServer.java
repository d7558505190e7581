package dev.evertone.stun;

import dev.evertone.stun.turn.TurnService;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.Mapping;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STUN server on UDP, TCP and optionally TLS (RFC 8489 6.2): on Linux one UDP socket per I/O
 * thread on the same port (SO_REUSEPORT), so that every core answers; over TCP and TLS, messages
 * framed by their length field, and a connection idle for 60 s closed. With a TURN relay, clients
 * may allocate over any of the three.
 */
public final class StunServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StunServer.class);
  private static final int MAX_MESSAGE = 65_535 + StunMessage.HEADER;
  private static final int MAX_DATAGRAM = 4_096;

  private final EventLoopGroup group;
  private final List<Channel> channels;
  private final InetSocketAddress udp;
  private final InetSocketAddress tcp;
  private final @Nullable InetSocketAddress tls;
  private final @Nullable TurnService turn;
  private final @Nullable EventLoopGroup relays;

  private StunServer(
      EventLoopGroup group,
      @Nullable EventLoopGroup relays,
      List<Channel> channels,
      InetSocketAddress udp,
      InetSocketAddress tcp,
      @Nullable InetSocketAddress tls,
      @Nullable TurnService turn) {
    this.tls = tls;
    this.turn = turn;
    this.relays = relays;
    this.group = group;
    this.channels = channels;
    this.udp = udp;
    this.tcp = tcp;
  }

  /**
   * Binds UDP and TCP on {@code host}:{@code port} (0: a free port, the same for both) with {@code
   * threads} I/O threads.
   */
  public static StunServer start(String host, int port, int threads, BindingService service)
      throws InterruptedException {
    return start(host, port, threads, service, null, null);
  }

  /**
   * As {@link #start(String, int, int, BindingService)}, with a TURN relay on the same sockets when
   * {@code turn} is given.
   */
  public static StunServer start(
      String host,
      int port,
      int threads,
      BindingService service,
      @Nullable TurnConfig turn,
      @Nullable MeterRegistry meters)
      throws InterruptedException {
    return start(host, port, threads, service, turn, meters, null);
  }

  /**
   * A TLS listening port ("stuns:" and "turns:", RFC 8489 6.2.3, RFC 8656 3.1) with the
   * certificates chosen by the name a client asks for (SNI); port 0: a free one.
   */
  public record TlsListener(int port, Mapping<? super String, ? extends SslContext> certificates) {}

  /** As above, and on a TLS port too when {@code tls} is given. */
  public static StunServer start(
      String host,
      int port,
      int threads,
      BindingService service,
      @Nullable TurnConfig turn,
      @Nullable MeterRegistry meters,
      @Nullable TlsListener tls)
      throws InterruptedException {
    if (port != 0) {
      return bind(host, port, threads, service, turn, meters, tls);
    }
    // a port the system gave UDP may be taken for TCP: try another
    for (int attempt = 1; ; attempt++) {
      try {
        return bind(host, 0, threads, service, turn, meters, tls);
      } catch (IllegalStateException e) {
        if (attempt == 20 || !(e.getCause() instanceof java.io.IOException)) {
          throw e;
        }
      }
    }
  }

  private static StunServer bind(
      String host,
      int port,
      int threads,
      BindingService service,
      @Nullable TurnConfig turnConfig,
      @Nullable MeterRegistry meters,
      @Nullable TlsListener tlsListener)
      throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group =
        epoll
            ? new EpollEventLoopGroup(threads, new DefaultThreadFactory("stun-io", true))
            : new NioEventLoopGroup(threads, new DefaultThreadFactory("stun-io", true));
    // relay sockets live on loops of their own: an allocation binds one while its request is
    // handled on a listening loop
    EventLoopGroup relays =
        turnConfig == null
            ? null
            : epoll
                ? new EpollEventLoopGroup(threads, new DefaultThreadFactory("turn-relay", true))
                : new NioEventLoopGroup(threads, new DefaultThreadFactory("turn-relay", true));
    TurnService turn =
        turnConfig == null
            ? null
            : new TurnService(
                turnConfig,
                service,
                relays,
                epoll ? EpollDatagramChannel.class : NioDatagramChannel.class,
                java.time.Clock.systemUTC(),
                meters == null
                    ? new io.micrometer.core.instrument.simple.SimpleMeterRegistry()
                    : meters);
    List<Channel> channels = new ArrayList<>();
    try {
      int sockets = epoll ? threads : 1;
      int bound = port;
      InetSocketAddress udpAddress = null;
      for (int i = 0; i < sockets; i++) {
        Bootstrap b =
            new Bootstrap()
                .group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .handler(new UdpHandler(service, turn));
        if (epoll) {
          b.option(EpollChannelOption.SO_REUSEPORT, true);
          if (turn != null) {
            // a relay's listening socket gets many clients' datagrams per wake-up: read them with
            // one recvmmsg
            // (a datagram longer than MAX_DATAGRAM is cut: above any path MTU, and a STUN message
            // never needs it)
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                .option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
                .option(
                    ChannelOption.RCVBUF_ALLOCATOR,
                    new io.netty.channel.FixedRecvByteBufAllocator(MAX_DATAGRAM * 16)
                        .maxMessagesPerRead(1))
                // what relays queue for clients in one loop turn (flushed at its end) may exceed
                // Netty's 64 KB default
                .option(
                    ChannelOption.WRITE_BUFFER_WATER_MARK,
                    new io.netty.channel.WriteBufferWaterMark(2 << 20, 4 << 20));
          }
        }
        Channel ch = b.bind(host, bound).sync().channel();
        channels.add(ch);
        udpAddress = (InetSocketAddress) ch.localAddress();
        bound = udpAddress.getPort();
      }
      Channel tcpChannel =
          streams(group, epoll, service, turn, null).bind(host, bound).sync().channel();
      channels.add(tcpChannel);
      InetSocketAddress tcpAddress = (InetSocketAddress) tcpChannel.localAddress();
      InetSocketAddress tlsAddress = null;
      if (tlsListener != null) {
        Channel tlsChannel =
            streams(group, epoll, service, turn, tlsListener.certificates())
                .bind(host, tlsListener.port())
                .sync()
                .channel();
        channels.add(tlsChannel);
        tlsAddress = (InetSocketAddress) tlsChannel.localAddress();
      }
      log.info(
          "STUN{} listening on udp {} ({} socket{}), tcp {}{}",
          turn == null ? "" : " and TURN",
          udpAddress,
          sockets,
          sockets == 1 ? "" : "s",
          tcpAddress,
          tlsAddress == null ? "" : " and tls " + tlsAddress);
      return new StunServer(group, relays, channels, udpAddress, tcpAddress, tlsAddress, turn);
    } catch (Exception e) { // Netty's bind failures are IOExceptions thrown unchecked
      channels.forEach(Channel::close);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (relays != null) {
        relays.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      throw new IllegalStateException(
          "cannot listen for STUN on "
              + host
              + ":"
              + port
              + ": "
              + e.getMessage()
              + (port == 0
                  ? ""
                  : "; stop what uses the port or choose another with stun.port (-1 turns STUN off)"),
          e);
    }
  }

  public InetSocketAddress udpAddress() {
    return udp;
  }

  public InetSocketAddress tcpAddress() {
    return tcp;
  }

  /** The TLS port's address, or null when there is none. */
  public @Nullable InetSocketAddress tlsAddress() {
    return tls;
  }

  /**
   * TCP or, with certificates, TLS connections: idle ones closed, messages framed by their length
   * (RFC 8489 6.2.2).
   */
  private static ServerBootstrap streams(
      EventLoopGroup group,
      boolean epoll,
      BindingService service,
      @Nullable TurnService turn,
      @Nullable Mapping<? super String, ? extends SslContext> certificates) {
    return new ServerBootstrap()
        .group(group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                if (certificates != null) {
                  ch.pipeline().addLast(new SniHandler(certificates, 16_384, 10_000));
                }
                ch.pipeline()
                    .addLast(
                        new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS) {
                          @Override
                          protected void channelIdle(
                              ChannelHandlerContext ctx,
                              io.netty.handler.timeout.IdleStateEvent evt) {
                            ctx.close();
                          }
                        })
                    .addLast(new StunFrameDecoder(turn))
                    .addLast(new StreamHandler(service, turn));
              }
            });
  }

  @Override
  public void close() {
    if (turn != null) {
      turn.close();
    }
    if (relays != null) {
      relays.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    channels.forEach(c -> c.close().awaitUninterruptibly(1, TimeUnit.SECONDS));
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }

  /** Datagrams: answered to where they came from. */
  private static final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final BindingService service;
    private final @Nullable TurnService turn;
    private final byte[] buffer = new byte[MAX_MESSAGE];

    UdpHandler(BindingService service, @Nullable TurnService turn) {
      this.service = service;
      this.turn = turn;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf content = packet.content();
      if (turn != null) {
        turn.onDatagram(ctx.channel(), content, packet.sender());
        return;
      }
      int length = Math.min(content.readableBytes(), buffer.length);
      content.getBytes(content.readerIndex(), buffer, 0, length);
      byte[] answer = service.answer(buffer, length, packet.sender());
      if (answer != null) {
        ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(answer), packet.sender()));
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush(); // one flush per batch of datagrams read
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("STUN over UDP: {}", cause.toString()); // a bad datagram never stops the socket
    }
  }

  /**
   * Framed messages over a TCP or TLS connection: answered on it; with TURN, allocations made over
   * it too.
   */
  private static final class StreamHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final BindingService service;
    private final @Nullable TurnService turn;

    StreamHandler(BindingService service, @Nullable TurnService turn) {
      this.service = service;
      this.turn = turn;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      // the decoder passes only STUN messages, and ChannelData after an allocation
      if (turn != null) {
        turn.onFrame(ctx.channel(), frame);
        return;
      }
      byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(frame);
      byte[] answer =
          service.answer(bytes, bytes.length, (InetSocketAddress) ctx.channel().remoteAddress());
      if (answer != null) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(answer));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (turn != null) {
        turn.connectionClosed(ctx.channel());
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("STUN over TCP from {}: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
