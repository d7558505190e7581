package dev.evertone.sip.transport;

import dev.evertone.sip.header.Via;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
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
 * SIP over UDP, TCP, TLS (RFC 3261 18, 26), WS and WSS (RFC 7118) on Netty. Uses the native epoll
 * transport when available: then each I/O thread has its own UDP socket on the shared port
 * (SO_REUSEPORT) so that reading scales with cores. TLS and WSS take the certificate of each new
 * handshake from a mapping (by SNI), so a certificate replaced there is served to new connections
 * while open ones keep theirs.
 */
public final class NettySipTransport implements SipTransport {
  private static final Logger log = LoggerFactory.getLogger(NettySipTransport.class);

  /** A UDP datagram's largest payload fits whole: a message is never cut. */
  private static final int MAX_DATAGRAM = 65_536;

  private final TransportConfig config;
  private final boolean epoll;
  private final EventLoopGroup group;
  private final ConnectionTable connections;
  private final @Nullable Mapping<String, SslContext> tls;
  private final @Nullable TlsHandshakes handshakes;
  private final List<Channel> channels = new ArrayList<>();
  private final List<UdpFlow> udpFlows = new ArrayList<>();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private @Nullable MessageReceiver receiver;
  private int nextUdp;

  public NettySipTransport(TransportConfig config, MeterRegistry meters) {
    this(config, meters, null);
  }

  /**
   * @param tls the server certificate of each TLS and WSS handshake, by SNI host name; null when
   *     there is none
   */
  public NettySipTransport(
      TransportConfig config, MeterRegistry meters, @Nullable Mapping<String, SslContext> tls) {
    this.config = config;
    this.tls = tls;
    this.handshakes = tls == null ? null : new TlsHandshakes(meters);
    this.epoll = Epoll.isAvailable();
    DefaultThreadFactory threads = new DefaultThreadFactory("sip-io", true);
    this.group =
        epoll
            ? new EpollEventLoopGroup(config.ioThreads(), threads)
            : new NioEventLoopGroup(config.ioThreads(), threads);
    this.connections =
        new ConnectionTable(
            config.maxConnections(), config.streams().maxConnectionsPerSource(), meters);
  }

  /** Opens every listen point; messages go to {@code messageReceiver}. */
  public void start(MessageReceiver messageReceiver) throws InterruptedException {
    this.receiver = messageReceiver;
    for (ListenPoint point : config.listen()) {
      switch (point.transport()) {
        case UDP -> bindUdp(point, messageReceiver);
        case TCP, WS -> bindStream(point, messageReceiver);
        case TLS, WSS -> {
          if (tls == null) {
            throw new IllegalArgumentException(point + " needs a certificate (tls.certificates)");
          }
          bindStream(point, messageReceiver);
        }
      }
    }
  }

  private void bindUdp(ListenPoint point, MessageReceiver messageReceiver)
      throws InterruptedException {
    int sockets = epoll ? config.ioThreads() : 1;
    int port = point.port();
    if (epoll && port != 0) {
      requireFreeUdpPort(point);
    }
    for (int i = 0; i < sockets; i++) {
      UdpHandler handler = new UdpHandler(messageReceiver);
      Bootstrap b =
          new Bootstrap()
              .group(group)
              .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
              .option(ChannelOption.SO_RCVBUF, config.udpReceiveBufferBytes())
              .option(ChannelOption.SO_SNDBUF, config.udpReceiveBufferBytes())
              .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(PipelineNames.UDP_RECEIVER, handler);
                    }
                  });
      if (epoll) {
        b.option(EpollChannelOption.SO_REUSEPORT, true);
      }
      Channel ch = b.bind(point.host(), port).sync().channel();
      channels.add(ch);
      udpFlows.add(handler.flow());
      InetSocketAddress local = (InetSocketAddress) ch.localAddress();
      // a port 0 listen point: the other sockets join the port the first one got
      port = local.getPort();
      if (i == 0) {
        bound.add(local);
        log.info("SIP listening on udp {} ({} socket{})", local, sockets, sockets == 1 ? "" : "s");
      }
    }
  }

  /**
   * SO_REUSEPORT lets any process of the same user bind the port too: a second evertone started by
   * mistake would silently take half of the phones' datagrams. A plain socket, which the kernel
   * refuses on a port already bound, proves that the port is ours alone before our sockets share
   * it.
   */
  private static void requireFreeUdpPort(ListenPoint point) {
    try (java.net.DatagramSocket probe =
        new java.net.DatagramSocket(new InetSocketAddress(point.host(), point.port()))) {
      probe.getLocalPort();
    } catch (java.net.SocketException e) {
      throw new IllegalStateException(
          "UDP port "
              + point.port()
              + " on "
              + point.host()
              + " is in use by another process (another evertone?): "
              + e.getMessage()
              + "; stop it or choose another port with sip.udp-port",
          e);
    }
  }

  private void bindStream(ListenPoint point, MessageReceiver messageReceiver)
      throws InterruptedException {
    Class<? extends ServerChannel> serverClass =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(serverClass)
            .option(ChannelOption.SO_BACKLOG, config.streams().acceptBacklog())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                new StreamChannelInitializer(
                    messageReceiver,
                    connections,
                    point.transport(),
                    config,
                    point.transport().isSecure() ? tls : null,
                    handshakes));
    Channel ch = b.bind(point.host(), point.port()).sync().channel();
    channels.add(ch);
    InetSocketAddress local = (InetSocketAddress) ch.localAddress();
    bound.add(local);
    log.info("SIP listening on {} {}", point.transport().lowerName(), local);
  }

  /** The addresses actually bound, in listen-point order (port 0 resolved). */
  public List<InetSocketAddress> boundAddresses() {
    return List.copyOf(bound);
  }

  @Override
  public SentResponse sendResponse(
      SipResponse response, Source source, Flow.SendFailureHandler onFailure) {
    byte[] bytes = response.toBytes();
    Via top = response.topVia();
    if (source.transport().isReliable()) {
      if (source.flow().isOpen()) {
        source.flow().send(bytes, source.remote(), onFailure);
      } else {
        // RFC 3261 18.2.2: the connection is gone; open a new one to received (or sent-by) and port
        InetSocketAddress to = ResponseRouting.streamDestination(top, source, source.transport());
        connect(source.transport(), to, flow -> flow.send(bytes, to, onFailure), onFailure);
      }
      return new SentResponse(
          bytes, source.flow(), null); // reliable transports never retransmit responses
    }
    InetSocketAddress to = ResponseRouting.udpDestination(top, source);
    source.flow().send(bytes, to, onFailure);
    return new SentResponse(bytes, source.flow(), to);
  }

  @Override
  public void sendRequest(
      SipRequest request, Destination destination, Flow.SendFailureHandler onFailure) {
    byte[] bytes = request.toBytes();
    Flow flow = destination.flow();
    if (flow != null && flow.isOpen()) {
      flow.send(bytes, destination.address(), onFailure);
      return;
    }
    switch (destination.transport()) {
      case UDP -> anyUdpFlow().send(bytes, destination.address(), onFailure);
      case TCP -> {
        StreamFlow existing = connections.get(destination.address());
        if (existing != null) {
          existing.send(bytes, destination.address(), onFailure);
        } else {
          connect(
              TransportType.TCP,
              destination.address(),
              f -> f.send(bytes, destination.address(), onFailure),
              onFailure);
        }
      }
      // RFC 5626: a device on TLS or WebSocket is reached over the connection it opened; without
      // it, not at all
      default -> {
        StreamFlow existing = connections.get(destination.address());
        if (existing != null && existing.transport() == destination.transport()) {
          existing.send(bytes, destination.address(), onFailure);
        } else {
          onFailure.onFailure(
              new java.net.ConnectException(
                  "no open "
                      + destination.transport().lowerName()
                      + " connection to "
                      + destination.address()));
        }
      }
    }
  }

  private Flow anyUdpFlow() {
    if (udpFlows.isEmpty()) {
      throw new IllegalStateException("no UDP listen point is configured");
    }
    int i = Math.floorMod(nextUdp++, udpFlows.size());
    return udpFlows.get(i);
  }

  /** Opens an outgoing connection; its messages are received like those of accepted ones. */
  private void connect(
      TransportType transport,
      InetSocketAddress to,
      java.util.function.Consumer<Flow> onOpen,
      Flow.SendFailureHandler onFailure) {
    if (transport != TransportType.TCP) {
      onFailure.onFailure(
          new UnsupportedOperationException(transport + " connections are not supported yet"));
      return;
    }
    MessageReceiver messageReceiver = receiver;
    if (messageReceiver == null) {
      onFailure.onFailure(new IllegalStateException("the SIP transport is not started"));
      return;
    }
    Class<? extends SocketChannel> channelClass =
        epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    ChannelFuture f =
        new Bootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) config.streams().connectTimeout().toMillis())
            .handler(
                new StreamChannelInitializer(
                    messageReceiver, connections, transport, config, null, null))
            .connect(to);
    f.addListener(
        done -> {
          if (done.isSuccess()) {
            onOpen.accept(new StreamFlow(f.channel(), transport));
          } else {
            onFailure.onFailure(done.cause());
          }
        });
  }

  /** Closes every socket and connection, waiting up to {@code timeoutMillis}. */
  public void stop(long timeoutMillis) {
    for (Channel ch : channels) {
      // the group's shutdown below waits for the closes
      var unused = ch.close();
    }
    group
        .shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(timeoutMillis);
  }
}
