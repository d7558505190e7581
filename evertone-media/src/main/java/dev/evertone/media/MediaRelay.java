package dev.evertone.media;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollMode;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTP/RTCP relay for anchored calls: its event loops (Netty epoll on Linux) and the port range
 * they bind from. {@link #open(String)} gives a {@link RelaySession} with two port pairs on one
 * loop; closing the session, or the relay, frees them.
 *
 * <p>Ports are bound without SO_REUSEADDR, so a port another program (or a stale process) holds is
 * never shared: it is skipped and the next pair tried. Each socket reads at most {@link
 * MediaConfig#datagramsPerRead()} datagrams before its loop serves the others, so a flood on one
 * port delays no other call.
 */
public final class MediaRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaRelay.class);

  /** How long {@link #open(String)} waits for an event loop to bind the session's ports. */
  private static final long BIND_WAIT_SECONDS = 5;

  private final MediaConfig config;
  private final boolean epoll;
  private final EventLoopGroup group;
  private final IdentityHashMap<EventExecutor, LoopSessions> loops = new IdentityHashMap<>();
  private final PortAllocator ports;
  private final MediaMeters meters;
  private final MeterRegistry registry;
  private final Gauge sessionsGauge;
  private final Gauge portsGauge;
  private final RecvByteBufAllocator receiveBuffers;
  private final AtomicInteger openSessions = new AtomicInteger();
  private final AtomicInteger openEndpoints = new AtomicInteger();
  private final Gauge endpointsGauge;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final MediaListener listener;

  private MediaRelay(MediaConfig config, MeterRegistry registry, MediaListener listener) {
    this.config = config;
    this.registry = registry;
    this.listener = listener;
    this.epoll = Epoll.isAvailable();
    int threads = config.effectiveIoThreads();
    DefaultThreadFactory threadFactory = new DefaultThreadFactory("media-io", true);
    this.group =
        epoll
            ? new EpollEventLoopGroup(threads, threadFactory)
            : new NioEventLoopGroup(threads, threadFactory);
    this.ports = new PortAllocator(config.portMin(), config.portMax());
    this.meters = new MediaMeters(registry);
    // a fixed buffer per datagram, a bounded batch per wake-up: see the class comment
    this.receiveBuffers =
        new FixedRecvByteBufAllocator(config.maxDatagramBytes())
            .maxMessagesPerRead(config.datagramsPerRead());
    long timeoutNanos = config.mediaTimeout().toNanos();
    for (EventExecutor e : group) {
      LoopSessions sessions = new LoopSessions((EventLoop) e, timeoutNanos, listener, meters);
      loops.put(e, sessions);
      if (timeoutNanos > 0) {
        // checked a few times per timeout: a silent call ends at most a quarter late
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), timeoutNanos / 4);
        period = Math.min(period, TimeUnit.SECONDS.toNanos(1));
        var unused = e.scheduleAtFixedRate(sessions, period, period, TimeUnit.NANOSECONDS);
      }
    }
    this.sessionsGauge =
        Gauge.builder("evertone.media.sessions", openSessions, AtomicInteger::get)
            .description("Relay sessions open (anchored media streams)")
            .register(registry);
    this.portsGauge =
        Gauge.builder("evertone.media.ports", ports, PortAllocator::portsInUse)
            .description("Relay ports in use, out of media.port-min..media.port-max")
            .register(registry);
    this.endpointsGauge =
        Gauge.builder("evertone.media.endpoints", openEndpoints, AtomicInteger::get)
            .description("Endpoint legs open: parties whose audio evertone decodes (conferences)")
            .register(registry);
  }

  /**
   * Starts the relay's event loops. Nothing is bound until sessions open.
   *
   * @param listener told of sessions the media timeout ends
   */
  public static MediaRelay start(
      MediaConfig config, MeterRegistry registry, MediaListener listener) {
    MediaRelay relay = new MediaRelay(config, registry, listener);
    log.info(
        "media relay: ports {}-{} on {} (advertised {}), {} {} I/O thread(s), latching from {}",
        config.portMin(),
        config.portMax(),
        config.bindHost().getHostAddress(),
        config.sdpAddress().getHostAddress(),
        config.effectiveIoThreads(),
        relay.epoll ? "epoll" : "NIO",
        config.latchAnySource() ? "any source" : "the signalled host");
    return relay;
  }

  /**
   * Whether {@code address} is one of this relay's legs in use now: SDP naming it means the call
   * already passes through this relay (a spiral, a hairpin through a carrier).
   */
  public boolean isOwnLeg(java.net.InetSocketAddress address) {
    return address.getAddress().equals(config.sdpAddress()) && ports.taken(address.getPort());
  }

  MediaListener listener() {
    return listener;
  }

  /** The 20 ms clock of {@code loop}. */
  FrameClock clock(EventLoop loop) {
    LoopSessions sessions = loops.get(loop);
    if (sessions == null) {
      throw new IllegalStateException("not an event loop of this relay: " + loop);
    }
    return sessions.clock();
  }

  /**
   * How steadily each event loop's 20 ms clock ticked (the timing of evertone's own audio), summed:
   * ticks, late ticks and the latest one.
   */
  public ClockStats clockStats() {
    long ticks = 0;
    long late = 0;
    double max = 0;
    for (LoopSessions s : loops.values()) {
      ClockStats c = s.clock().stats();
      ticks += c.ticks();
      late += c.late();
      max = Math.max(max, c.maxLatenessMs());
    }
    return new ClockStats(ticks, late, max);
  }

  public MediaConfig config() {
    return config;
  }

  /** Sessions open now. */
  public int openSessions() {
    return openSessions.get();
  }

  /** Ports bound now (four per session). */
  public int portsInUse() {
    return ports.portsInUse();
  }

  /**
   * Opens a session for a stream of call {@code callId}: four ports bound on one event loop. The
   * caller gives each leg's {@link RelayLeg#localRtp()} to the other party in SDP and each party's
   * own SDP address to its leg with {@link RelayLeg#remote}.
   *
   * <p>Blocks until the ports are bound (microseconds); not to be called from a media I/O thread (a
   * {@link MediaListener}), nor is {@link #close()}.
   *
   * @throws MediaException when no port pair is free, {@link MediaConfig#maxSessions()} are open,
   *     or the relay is closed; the message names the setting
   */
  public RelaySession open(String callId) throws MediaException {
    if (closed.get()) {
      throw new MediaException("the media relay is closed: no session for call " + callId);
    }
    if (openSessions.incrementAndGet() > config.maxSessions()) {
      openSessions.decrementAndGet();
      meters.refusedForLimit();
      throw new MediaException(
          "media.max-sessions ("
              + config.maxSessions()
              + ") sessions are open: no media session for call "
              + callId);
    }
    EventLoop loop = group.next();
    try {
      return loop.inEventLoop() ? bindSession(loop, callId) : bindOn(loop, callId);
    } catch (MediaException | RuntimeException e) {
      openSessions.decrementAndGet();
      throw e;
    }
  }

  /**
   * One of the relay's event loops, taken in turn: what a conference room lives on, its parties'
   * {@link EndpointLeg}s and its {@link Mixer} together.
   */
  public MediaLoop loop() {
    EventLoop loop = group.next();
    return new MediaLoop(loop, clock(loop));
  }

  /**
   * Opens an endpoint leg for {@code label} (a Call-ID): one port pair bound on {@code on} (null:
   * the next loop), where the party's audio ends and evertone's own begins. Blocks until bound; not
   * to be called from a media I/O thread other than {@code on}'s.
   *
   * @throws MediaException when no port pair is free or the relay is closed
   */
  public EndpointLeg openEndpoint(String label, @Nullable MediaLoop on) throws MediaException {
    if (closed.get()) {
      throw new MediaException("the media relay is closed: no media for " + label);
    }
    MediaLoop loop = on != null ? on : loop();
    EventLoop e = loop.eventLoop();
    try {
      EndpointLeg leg =
          e.inEventLoop()
              ? bindEndpoint(loop, label)
              : e.submit(() -> bindEndpoint(loop, label)).get(BIND_WAIT_SECONDS, TimeUnit.SECONDS);
      openEndpoints.incrementAndGet();
      return leg;
    } catch (RejectedExecutionException ex) {
      throw new MediaException("the media relay is closed: no media for " + label);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted opening a media endpoint", ex);
    } catch (ExecutionException ex) {
      if (ex.getCause() instanceof MediaException m) {
        throw m;
      }
      throw new IllegalStateException("cannot open a media endpoint: " + ex.getCause(), ex);
    } catch (TimeoutException ex) {
      throw new IllegalStateException(
          "the media I/O thread did not bind ports within " + BIND_WAIT_SECONDS + " s", ex);
    }
  }

  private EndpointLeg bindEndpoint(MediaLoop loop, String label) throws MediaException {
    PortPair pair = bindPair(loop.eventLoop(), label);
    EndpointLeg leg =
        new EndpointLeg(
            this, loop, label, pair, config.sdpAddress(), config.latchAnySource(), meters);
    pair.rtp()
        .pipeline()
        .addLast(MediaPipelineNames.RTP_RECEIVER, new PortHandler(leg::receive, true));
    pair.rtcp()
        .pipeline()
        .addLast(MediaPipelineNames.RTCP_RECEIVER, new PortHandler(leg::receive, false));
    return leg;
  }

  /** On the leg's loop, once its sockets are closed: its ports go back. */
  void closed(EndpointLeg leg) {
    ports.release(leg.ports().rtpPort());
    openEndpoints.decrementAndGet();
  }

  /** Endpoint legs open now. */
  public int openEndpoints() {
    return openEndpoints.get();
  }

  private RelaySession bindOn(EventLoop loop, String callId) throws MediaException {
    try {
      return loop.submit(() -> bindSession(loop, callId)).get(BIND_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      throw new MediaException("the media relay is closed: no session for call " + callId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted opening a media session", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MediaException m) {
        throw m; // its message names the setting
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("cannot open a media session: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the media I/O thread did not bind ports within " + BIND_WAIT_SECONDS + " s", e);
    }
  }

  /** On {@code loop}: binds both legs' ports and registers the session with the loop. */
  private RelaySession bindSession(EventLoop loop, String callId) throws MediaException {
    PortPair aPorts = bindPair(loop, callId);
    PortPair bPorts;
    try {
      bPorts = bindPair(loop, callId);
    } catch (MediaException e) {
      aPorts.close();
      ports.release(aPorts.rtpPort());
      throw e;
    }
    RelaySession session = new RelaySession(callId, loop, this, aPorts, bPorts, meters);
    // handlers go in before the loop reads anything: reading starts after this task
    for (RelayLeg leg : new RelayLeg[] {session.a(), session.b()}) {
      leg.ports()
          .rtp()
          .pipeline()
          .addLast(MediaPipelineNames.RTP_RECEIVER, new PortHandler(leg::receive, true));
      leg.ports()
          .rtcp()
          .pipeline()
          .addLast(MediaPipelineNames.RTCP_RECEIVER, new PortHandler(leg::receive, false));
    }
    LoopSessions sessions = loops.get(loop);
    if (sessions != null) {
      sessions.add(session);
    }
    return session;
  }

  /** On {@code loop}: the next free pair that binds; one another program holds is skipped. */
  private PortPair bindPair(EventLoop loop, String callId) throws MediaException {
    int heldElsewhere = 0;
    int firstHeld = -1;
    for (int attempt = 0; attempt < ports.pairs(); attempt++) {
      int port = ports.take();
      if (port < 0) {
        break;
      }
      if (port == firstHeld) {
        ports.release(port); // round the range once: every free pair has been tried
        break;
      }
      DatagramChannel rtp = bind(loop, port);
      DatagramChannel rtcp = rtp == null ? null : bind(loop, port + 1);
      if (rtp != null && rtcp != null) {
        return new PortPair(port, rtp, rtcp);
      }
      if (rtp != null) {
        var unused = rtp.close();
      }
      ports.release(port);
      heldElsewhere++;
      if (firstHeld < 0) {
        firstHeld = port;
      }
    }
    meters.refusedForPorts();
    throw new MediaException(
        "no free media port pair in media.port-min..media.port-max ("
            + config.portMin()
            + "-"
            + config.portMax()
            + ") for call "
            + callId
            + ": "
            + ports.portsInUse()
            + " ports in use by open sessions"
            + (heldElsewhere == 0
                ? ""
                : ", "
                    + heldElsewhere
                    + (heldElsewhere == 1 ? " pair" : " pairs")
                    + " held by other programs")
            + "; widen the range or lower media.max-sessions");
  }

  /**
   * A socket bound on {@code port}, registered with {@code loop}; null when the port is taken. On
   * the loop itself, registering and binding complete before they return.
   */
  private @Nullable DatagramChannel bind(EventLoop loop, int port) {
    InternetProtocolFamily family =
        config.bindHost() instanceof Inet6Address
            ? InternetProtocolFamily.IPv6
            : InternetProtocolFamily.IPv4;
    DatagramChannel channel =
        epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(family);
    channel.config().setOption(ChannelOption.SO_REUSEADDR, false);
    channel.config().setRecvByteBufAllocator(receiveBuffers);
    if (epoll) {
      // level-triggered: a socket with datagrams left after its batch is reported again by the
      // next epoll_wait, after every other ready socket had its turn
      channel.config().setOption(EpollChannelOption.EPOLL_MODE, EpollMode.LEVEL_TRIGGERED);
    }
    ChannelFuture done = loop.register(channel);
    if (done.isSuccess()) {
      done = channel.bind(new InetSocketAddress(config.bindHost(), port));
    }
    if (done.isSuccess()) {
      return channel;
    }
    var unused = channel.close();
    return null;
  }

  /** On the session's loop, once its sockets are closed: its ports go back. */
  void closed(RelaySession session) {
    ports.release(session.a().ports().rtpPort());
    ports.release(session.b().ports().rtpPort());
    openSessions.decrementAndGet();
    LoopSessions sessions = loops.get(session.loop());
    if (sessions != null) {
      sessions.remove(session);
    }
  }

  /** Closes every session (their ports freed) and stops the event loops. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (LoopSessions sessions : loops.values()) {
      try {
        sessions.loop().submit(sessions::closeAll).awaitUninterruptibly(5, TimeUnit.SECONDS);
      } catch (RejectedExecutionException e) {
        log.warn("media relay: an event loop had stopped before its sessions were closed");
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    registry.remove(sessionsGauge);
    registry.remove(portsGauge);
    registry.remove(endpointsGauge);
    log.info("media relay closed: {} ports in use", ports.portsInUse());
  }
}
