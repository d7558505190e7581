package dev.evertone.stun;

import dev.evertone.stun.turn.TurnService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.Mapping;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STUN server on UDP, TCP and optionally TLS (RFC 8489 6.2): on Linux one UDP socket per I/O
 * thread on the same port (SO_REUSEPORT), so that every core answers; over TCP and TLS, messages
 * framed by their length field, and an idle connection closed (limits in {@link StunLimits}). With
 * a TURN relay, clients may allocate over any of the three.
 */
public final class StunServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StunServer.class);
  private static final int MAX_MESSAGE = 65_535 + StunMessage.HEADER;

  /** With TURN on Linux, the datagrams one recvmmsg reads from a listening socket at most. */
  private static final int DATAGRAMS_PER_READ = 16;

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
    return start(
        new StunServerConfig(host, port, threads, tls, StunLimits.DEFAULT), service, turn, meters);
  }

  /**
   * Binds UDP and TCP (and TLS when {@code config} has a TLS listener) as {@code config} says, with
   * a TURN relay on the same sockets when {@code turn} is given.
   */
  public static StunServer start(
      StunServerConfig config,
      BindingService service,
      @Nullable TurnConfig turn,
      @Nullable MeterRegistry meters)
      throws InterruptedException {
    if (config.port() != 0) {
      return bind(config, service, turn, meters);
    }
    // a port the system gave UDP may be taken for TCP: try another
    for (int attempt = 1; ; attempt++) {
      try {
        return bind(config, service, turn, meters);
      } catch (IllegalStateException e) {
        if (attempt == 20 || !(e.getCause() instanceof java.io.IOException)) {
          throw e;
        }
      }
    }
  }

  private static StunServer bind(
      StunServerConfig config,
      BindingService service,
      @Nullable TurnConfig turnConfig,
      @Nullable MeterRegistry meters)
      throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group = loops(epoll, config.ioThreads(), "stun-io");
    EventLoopGroup relays = null;
    TurnService turn = null;
    if (turnConfig != null) {
      // relay sockets live on loops of their own: an allocation binds one while its request is
      // handled on a listening loop
      EventLoopGroup relayLoops = loops(epoll, config.ioThreads(), "turn-relay");
      relays = relayLoops;
      turn =
          new TurnService(
              turnConfig,
              config.limits(),
              service,
              relayLoops,
              epoll ? EpollDatagramChannel.class : NioDatagramChannel.class,
              java.time.Clock.systemUTC(),
              meters == null ? new SimpleMeterRegistry() : meters);
    }
    List<Channel> channels = new ArrayList<>();
    try {
      InetSocketAddress udpAddress = bindUdp(config, epoll, group, service, turn, channels);
      Channel tcpChannel =
          streams(group, epoll, service, turn, null, config.limits())
              .bind(config.host(), udpAddress.getPort())
              .sync()
              .channel();
      channels.add(tcpChannel);
      InetSocketAddress tcpAddress = (InetSocketAddress) tcpChannel.localAddress();
      InetSocketAddress tlsAddress = null;
      TlsListener tlsListener = config.tls();
      if (tlsListener != null) {
        Channel tlsChannel =
            streams(group, epoll, service, turn, tlsListener.certificates(), config.limits())
                .bind(config.host(), tlsListener.port())
                .sync()
                .channel();
        channels.add(tlsChannel);
        tlsAddress = (InetSocketAddress) tlsChannel.localAddress();
      }
      int sockets = epoll ? config.ioThreads() : 1;
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
      // the start failed: nothing waits for the half-made server to stop
      for (Channel c : channels) {
        var unusedClose = c.close();
      }
      var unused = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (relays != null) {
        var unusedRelays = relays.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      throw new IllegalStateException(
          "cannot listen for STUN on "
              + config.host()
              + ":"
              + config.port()
              + ": "
              + e.getMessage()
              + (config.port() == 0
                  ? ""
                  : "; stop what uses the port or choose another with stun.port (-1 turns STUN off)"),
          e);
    }
  }

  private static EventLoopGroup loops(boolean epoll, int threads, String name) {
    return epoll
        ? new EpollEventLoopGroup(threads, new DefaultThreadFactory(name, true))
        : new NioEventLoopGroup(threads, new DefaultThreadFactory(name, true));
  }

  /**
   * Binds the UDP sockets on the port of {@code config}: on Linux one per I/O thread on the same
   * port (SO_REUSEPORT); returns their address.
   */
  private static InetSocketAddress bindUdp(
      StunServerConfig config,
      boolean epoll,
      EventLoopGroup group,
      BindingService service,
      @Nullable TurnService turn,
      List<Channel> channels)
      throws InterruptedException {
    int sockets = epoll ? config.ioThreads() : 1;
    Channel first =
        udp(group, epoll, service, turn, config.limits())
            .bind(config.host(), config.port())
            .sync()
            .channel();
    channels.add(first);
    InetSocketAddress address = (InetSocketAddress) first.localAddress();
    for (int i = 1; i < sockets; i++) {
      channels.add(
          udp(group, epoll, service, turn, config.limits())
              .bind(config.host(), address.getPort())
              .sync()
              .channel());
    }
    return address;
  }

  private static Bootstrap udp(
      EventLoopGroup group,
      boolean epoll,
      BindingService service,
      @Nullable TurnService turn,
      StunLimits limits) {
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, limits.receiveBufferBytes())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(StunPipelineNames.UDP_RECEIVER, new UdpHandler(service, turn));
                  }
                });
    if (epoll) {
      b.option(EpollChannelOption.SO_REUSEPORT, true);
      if (turn != null) {
        // a relay's listening socket gets many clients' datagrams per wake-up: read them with one
        // recvmmsg (a datagram longer than maxDatagramBytes is cut: above any path MTU, and a STUN
        // message never needs it)
        b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, limits.maxDatagramBytes())
            .option(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(limits.maxDatagramBytes() * DATAGRAMS_PER_READ)
                    .maxMessagesPerRead(1))
            // what relays queue for clients in one loop turn (flushed at its end) may exceed
            // Netty's 64 KB default
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(limits.clientQueueBytes() / 2, limits.clientQueueBytes()));
      }
    }
    return b;
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
      @Nullable Mapping<? super String, ? extends SslContext> certificates,
      StunLimits limits) {
    return new ServerBootstrap()
        .group(group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(streamPipeline(service, turn, certificates, limits));
  }

  /** The pipeline of a TCP or (with certificates) TLS connection, every handler named. */
  static ChannelInitializer<Channel> streamPipeline(
      BindingService service,
      @Nullable TurnService turn,
      @Nullable Mapping<? super String, ? extends SslContext> certificates,
      StunLimits limits) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (certificates != null) {
          ch.pipeline()
              .addLast(
                  StunPipelineNames.TLS,
                  new SniHandler(
                      certificates,
                      limits.maxClientHelloBytes(),
                      limits.tlsHandshakeTimeout().toMillis()));
        }
        ch.pipeline()
            .addLast(StunPipelineNames.IDLE, new IdleCloser(limits.idleTimeout()))
            .addLast(StunPipelineNames.FRAME_DECODER, new StunFrameDecoder(turn))
            .addLast(StunPipelineNames.STREAM_RECEIVER, new StreamHandler(service, turn));
      }
    };
  }

  /** Closes a connection with no traffic either way for the idle timeout. */
  private static final class IdleCloser extends IdleStateHandler {
    IdleCloser(Duration idleTimeout) {
      super(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
      // nothing waits for the close; the stream handler's channelInactive cleans up
      var unused = ctx.close();
    }
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
        // flushed after the batch; a lost answer is a lost datagram: the client retransmits
        var unused = ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(answer), packet.sender()));
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
        // a failed write fails the connection, which exceptionCaught closes
        var unused = ctx.writeAndFlush(Unpooled.wrappedBuffer(answer));
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
      var unused = ctx.close(); // nothing waits for it
    }
  }
}
