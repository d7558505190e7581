package dev.evertone.stun;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TURN relay (RFC 8656) with UDP relays, for clients over UDP, TCP or TLS: Allocate, Refresh,
 * CreatePermission and ChannelBind with long-term credentials (static accounts, or the TURN REST
 * convention with rotating shared secrets), Send and Data indications, ChannelData; allocations,
 * permissions and channels expire; quotas per user and in total; peers in loopback, private and
 * other internal ranges refused unless configured, so that the relay cannot reach internal
 * networks. Runs on the STUN server's UDP sockets; a Binding request still goes to {@link
 * BindingService}.
 */
public final class TurnService {
  private static final Logger log = LoggerFactory.getLogger(TurnService.class);
  static final int ALLOCATE = 0x003;
  static final int REFRESH = 0x004;
  static final int SEND = 0x006;
  static final int DATA = 0x007;
  static final int CREATE_PERMISSION = 0x008;
  static final int CHANNEL_BIND = 0x009;
  static final int CHANNEL_NUMBER = 0x000C;
  static final int LIFETIME = 0x000D;
  static final int XOR_PEER_ADDRESS = 0x0012;
  static final int DATA_ATTRIBUTE = 0x0013;
  static final int XOR_RELAYED_ADDRESS = 0x0016;
  static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
  static final int EVEN_PORT = 0x0018;
  static final int REQUESTED_TRANSPORT = 0x0019;
  static final int DONT_FRAGMENT = 0x001A;
  private static final long PERMISSION_MILLIS = 300_000;
  private static final long CHANNEL_MILLIS = 600_000;
  private static final long NONCE_MILLIS = 600_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The largest datagram a relay socket receives whole (Netty's own default for datagram channels).
   */
  private static final int RELAY_DATAGRAM = 2048;

  private final TurnConfig config;
  private final BindingService binding;
  private final EventLoopGroup group;
  private final Class<? extends DatagramChannel> channelClass;
  private final Clock clock;
  private final byte[] nonceKey = new byte[32];
  private final Map<FiveTuple, Allocation> allocations = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private final Map<Channel, Outbox> outboxes = new ConcurrentHashMap<>();
  private final Counter relayed;
  private final Counter refusedPeers;
  private final Counter dropped;

  public TurnService(
      TurnConfig config,
      BindingService binding,
      EventLoopGroup group,
      Class<? extends DatagramChannel> channelClass,
      Clock clock,
      MeterRegistry meters) {
    this.config = config;
    this.binding = binding;
    this.group = group;
    this.channelClass = channelClass;
    this.clock = clock;
    RANDOM.nextBytes(nonceKey);
    Gauge.builder("evertone.turn.allocations", allocations, Map::size)
        .description("TURN allocations held")
        .register(meters);
    relayed =
        Counter.builder("evertone.turn.relayed")
            .description("Datagrams relayed between clients and peers")
            .register(meters);
    dropped =
        Counter.builder("evertone.turn.dropped")
            .description(
                "Datagrams not relayed: the way out was full (a client not reading) or the network refused them")
            .register(meters);
    refusedPeers =
        Counter.builder("evertone.turn.peers.refused")
            .description("Permissions refused: peers in denied ranges")
            .register(meters);
    group.next().scheduleAtFixedRate(this::expire, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * The 5-tuple of an allocation (RFC 8656 2.2): the client's address and the server socket it
   * talks to.
   */
  record FiveTuple(Channel listener, InetSocketAddress client) {}

  static FiveTuple keyOf(Channel listener, InetSocketAddress client) {
    return new FiveTuple(listener, client);
  }

  /**
   * A datagram on a listening UDP socket: ChannelData, a TURN message, or a Binding request;
   * answers are flushed by the caller.
   */
  void onDatagram(Channel listener, ByteBuf content, InetSocketAddress client) {
    onMessage(listener, client, false, content);
  }

  /**
   * A frame from a TCP or TLS client connection (RFC 8656 3.1: the 5-tuple is the connection): a
   * STUN message, or ChannelData with its padding. Answers and relayed data go back on the
   * connection.
   */
  public void onFrame(Channel connection, ByteBuf frame) {
    onMessage(connection, (InetSocketAddress) connection.remoteAddress(), true, frame);
    connection.flush();
  }

  /** Whether the client on this connection has an allocation. */
  boolean allocated(Channel connection) {
    return allocations.containsKey(
        keyOf(connection, (InetSocketAddress) connection.remoteAddress()));
  }

  /** RFC 8656 3.1: when the client's connection closes, its allocation goes. */
  public void connectionClosed(Channel connection) {
    outboxes.remove(connection);
    Allocation a =
        allocations.get(keyOf(connection, (InetSocketAddress) connection.remoteAddress()));
    if (a != null) {
      remove(a);
    }
  }

  private void onMessage(
      Channel listener, InetSocketAddress client, boolean stream, ByteBuf content) {
    int length = content.readableBytes();
    if (length >= 4 && (content.getByte(content.readerIndex()) & 0xC0) == 0x40) {
      channelData(listener, client, content);
      return;
    }
    byte[] buf = new byte[length];
    content.getBytes(content.readerIndex(), buf);
    StunMessage m;
    byte[] answer;
    try {
      m = StunMessage.parse(buf, length);
    } catch (StunException e) {
      reply(
          listener,
          client,
          stream,
          binding.answer(
              buf, length, client)); // an RFC 3489 Binding request, or dropped and counted
      return;
    }
    if (m.method() == StunAttributes.BINDING) {
      answer = binding.answer(buf, length, client);
    } else if (m.kind() == StunMessage.Kind.INDICATION && m.method() == SEND) {
      send(listener, m, client);
      return;
    } else if (m.kind() != StunMessage.Kind.REQUEST) {
      return;
    } else {
      answer = request(listener, m, client, stream);
    }
    reply(listener, client, stream, answer);
  }

  /** An answer to the client, flushed by the caller with the rest of what it read. */
  private static void reply(
      Channel listener, InetSocketAddress client, boolean stream, byte @Nullable [] answer) {
    if (answer != null) {
      listener.write(
          stream
              ? Unpooled.wrappedBuffer(answer)
              : new DatagramPacket(Unpooled.wrappedBuffer(answer), client));
    }
  }

  private byte @Nullable [] request(
      Channel listener, StunMessage m, InetSocketAddress client, boolean stream) {
    boolean fingerprint = m.attribute(StunAttributes.FINGERPRINT) != null;
    if (fingerprint && !StunIntegrity.fingerprintOk(m)) {
      return null;
    }
    if (!m.unknownRequired().isEmpty()
        && m.unknownRequired().stream().anyMatch(t -> !turnAttribute(t))) {
      return StunEncoder.responseTo(m, false)
          .error(420, "Unknown Attribute")
          .unknown(m.unknownRequired())
          .encode(null, fingerprint);
    }
    if (m.method() != ALLOCATE
        && m.method() != REFRESH
        && m.method() != CREATE_PERMISSION
        && m.method() != CHANNEL_BIND) {
      return StunEncoder.responseTo(m, false).error(400, "Bad Request").encode(null, fingerprint);
    }
    // RFC 8656 5 / RFC 8489 9.2: every request is authenticated with long-term credentials
    String username = m.text(StunAttributes.USERNAME);
    String nonce = m.text(StunAttributes.NONCE);
    if (m.attribute(StunAttributes.MESSAGE_INTEGRITY) == null) {
      return challenge(m, 401, "Unauthorized", fingerprint);
    }
    if (username == null || nonce == null || m.text(StunAttributes.REALM) == null) {
      return StunEncoder.responseTo(m, false)
          .error(400, "Bad Request: USERNAME, REALM and NONCE are needed")
          .encode(null, fingerprint);
    }
    if (!nonceValid(nonce)) {
      return challenge(m, 438, "Stale Nonce", fingerprint);
    }
    byte[] key = null;
    for (byte[] candidate : keys(username)) {
      if (StunIntegrity.verify(m, candidate)) {
        key = candidate;
        break;
      }
    }
    if (key == null) {
      log.warn("TURN authentication failed for {} from {}", username, client);
      return challenge(m, 401, "Unauthorized", fingerprint);
    }
    String user = username.contains(":") ? username.substring(username.indexOf(':') + 1) : username;
    try {
      return switch (m.method()) {
        case ALLOCATE -> allocate(listener, m, client, stream, user, key, fingerprint);
        case REFRESH -> refresh(listener, m, client, key, fingerprint);
        case CREATE_PERMISSION -> createPermission(listener, m, client, key, fingerprint);
        default -> channelBind(listener, m, client, key, fingerprint);
      };
    } catch (StunException e) {
      return StunEncoder.responseTo(m, false)
          .error(400, "Bad Request: " + e.getMessage())
          .encode(key, fingerprint);
    }
  }

  private static boolean turnAttribute(int type) {
    return switch (type) {
      case CHANNEL_NUMBER,
          LIFETIME,
          XOR_PEER_ADDRESS,
          DATA_ATTRIBUTE,
          XOR_RELAYED_ADDRESS,
          REQUESTED_ADDRESS_FAMILY,
          EVEN_PORT,
          REQUESTED_TRANSPORT,
          DONT_FRAGMENT ->
          true;
      default -> false;
    };
  }

  private byte[] challenge(StunMessage m, int code, String reason, boolean fingerprint) {
    return StunEncoder.responseTo(m, false)
        .error(code, reason)
        .text(StunAttributes.REALM, config.realm())
        .text(StunAttributes.NONCE, newNonce())
        .encode(null, fingerprint);
  }

  /**
   * The keys a user name may have: its static password, or the REST password of each secret while
   * it has not expired.
   */
  private List<byte[]> keys(String username) {
    List<byte[]> out = new ArrayList<>();
    String password = config.users().get(username);
    if (password != null) {
      out.add(StunIntegrity.longTermKey(username, config.realm(), password));
    }
    int colon = username.indexOf(':');
    if (colon > 0 && !config.secrets().isEmpty()) {
      try {
        long expiry = Long.parseLong(username.substring(0, colon));
        if (expiry * 1000 > clock.millis()) {
          for (String secret : config.secrets()) {
            out.add(
                StunIntegrity.longTermKey(
                    username, config.realm(), StunIntegrity.restPassword(secret, username)));
          }
        }
      } catch (NumberFormatException e) {
        // not a REST user name
      }
    }
    return out;
  }

  /**
   * A nonce that proves when it was made (RFC 8489 9.2: the server decides how long it is good).
   */
  private String newNonce() {
    long now = clock.millis();
    byte[] stamp = ByteBuffer.allocate(8).putLong(now).array();
    return HexFormat.of().formatHex(stamp)
        + HexFormat.of().formatHex(Arrays.copyOf(StunIntegrity.hmacSha256(nonceKey, stamp), 12));
  }

  private boolean nonceValid(String nonce) {
    if (nonce.length() != 40 || !nonce.matches("[0-9a-f]+")) {
      return false;
    }
    byte[] stamp = HexFormat.of().parseHex(nonce.substring(0, 16));
    byte[] mac = HexFormat.of().parseHex(nonce.substring(16));
    long at = ByteBuffer.wrap(stamp).getLong();
    return MessageDigest.isEqual(mac, Arrays.copyOf(StunIntegrity.hmacSha256(nonceKey, stamp), 12))
        && clock.millis() - at < NONCE_MILLIS;
  }

  private byte[] error(StunMessage m, int code, String reason, byte[] key, boolean fingerprint) {
    return StunEncoder.responseTo(m, false).error(code, reason).encode(key, fingerprint);
  }

  private byte[] allocate(
      Channel listener,
      StunMessage m,
      InetSocketAddress client,
      boolean stream,
      String user,
      byte[] key,
      boolean fingerprint) {
    FiveTuple k = keyOf(listener, client);
    Allocation existing = allocations.get(k);
    if (existing != null) {
      if (Arrays.equals(existing.transactionId, m.transactionId())) {
        return existing.allocateResponse; // a retransmission (RFC 8656 7.2)
      }
      return error(m, 437, "Allocation Mismatch", key, fingerprint);
    }
    StunMessage.Attribute transport = m.attribute(REQUESTED_TRANSPORT);
    if (transport == null || transport.value().length != 4) {
      return error(m, 400, "Bad Request: REQUESTED-TRANSPORT is needed", key, fingerprint);
    }
    if (transport.value()[0] != 17) {
      return error(m, 442, "Unsupported Transport Protocol", key, fingerprint);
    }
    // RFC 8656 7.2: IPv4 unless the client asks for IPv6 (0x02), which needs an IPv6 relay address
    StunMessage.Attribute family = m.attribute(REQUESTED_ADDRESS_FAMILY);
    int asked = family == null || family.value().length == 0 ? 1 : family.value()[0];
    if (asked != 1 && (asked != 2 || config.relayHostIpv6() == null)) {
      return error(m, 440, "Address Family not Supported", key, fingerprint);
    }
    boolean ipv6 = asked == 2;
    AtomicInteger mine = perUser.computeIfAbsent(user, u -> new AtomicInteger());
    if (mine.get() >= config.perUserAllocations()) {
      return error(m, 486, "Allocation Quota Reached", key, fingerprint);
    }
    if (allocations.size() >= config.totalAllocations()) {
      return error(m, 508, "Insufficient Capacity", key, fingerprint);
    }
    boolean even = m.attribute(EVEN_PORT) != null;
    Allocation a = new Allocation(k, listener, client, stream, user, m.transactionId(), ipv6);
    Channel relay =
        bindRelay(
            a, even, listener.eventLoop(), ipv6 ? config.relayHostIpv6() : config.relayHost());
    if (relay == null) {
      return error(m, 508, "Insufficient Capacity", key, fingerprint);
    }
    a.relay = relay;
    long lifetime = lifetime(m, 600);
    a.expiresAt = clock.millis() + lifetime * 1000;
    mine.incrementAndGet();
    allocations.put(k, a);
    a.allocateResponse =
        StunEncoder.responseTo(m, true)
            .xorAddress(
                XOR_RELAYED_ADDRESS, advertised((InetSocketAddress) relay.localAddress(), client))
            .add(LIFETIME, ByteBuffer.allocate(4).putInt((int) lifetime).array())
            .xorAddress(StunAttributes.XOR_MAPPED_ADDRESS, client)
            .encode(key, fingerprint);
    log.debug(
        "TURN allocation for {} at {}: relay {} for {} s",
        user,
        client,
        relay.localAddress(),
        lifetime);
    return a.allocateResponse;
  }

  /**
   * The relayed address as the client must write it: a concrete address even when relays listen on
   * every address.
   */
  private InetSocketAddress advertised(InetSocketAddress bound, InetSocketAddress client) {
    if (!bound.getAddress().isAnyLocalAddress()) {
      return bound;
    }
    if (config.advertisedAddress() != null) {
      return new InetSocketAddress(config.advertisedAddress(), bound.getPort());
    }
    InetAddress source = StunProbe.kernelSource(client.getAddress());
    return source == null ? bound : new InetSocketAddress(source, bound.getPort());
  }

  /**
   * The lifetime asked for, bounded (RFC 8656 7.2: at most the server's maximum; the default when
   * absent).
   */
  private long lifetime(StunMessage m, long fallback) {
    StunMessage.Attribute l = m.attribute(LIFETIME);
    long asked =
        l == null || l.value().length != 4
            ? fallback
            : ByteBuffer.wrap(l.value()).getInt() & 0xffffffffL;
    return Math.min(asked, config.maxLifetimeSeconds());
  }

  /**
   * Binds the relay socket on the listening socket's own event loop, so that relaying never hands a
   * datagram to another thread. Within that loop, registering and binding a channel by hand
   * complete at once (a Bootstrap would defer the bind to a later task). Elsewhere (a test calling
   * in), on a relay loop.
   */
  private @Nullable Channel bindRelay(
      Allocation a, boolean even, io.netty.channel.EventLoop loop, String host) {
    int span = config.maxPort() - config.minPort() + 1;
    int start = ThreadLocalRandom.current().nextInt(span);
    for (int i = 0; i < span; i++) {
      int port = config.minPort() + (start + i) % span;
      if (even && port % 2 != 0) {
        continue;
      }
      try {
        Channel relay =
            loop.inEventLoop()
                ? bindHere(a, loop, host, port)
                : new Bootstrap()
                    .group(group)
                    .channel(channelClass)
                    .handler(new PeerHandler(a))
                    .bind(host, port)
                    .sync()
                    .channel();
        if (relay != null) {
          return relay;
        }
      } catch (Exception e) { // the port is taken: the next one
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }
    return null;
  }

  private @Nullable Channel bindHere(
      Allocation a, io.netty.channel.EventLoop loop, String host, int port)
      throws ReflectiveOperationException {
    Channel relay = channelClass.getConstructor().newInstance();
    if (relay instanceof io.netty.channel.epoll.EpollDatagramChannel) {
      // level-triggered, one datagram per read: a peer sends one at a time, and Netty would
      // otherwise read on until
      // a read finds nothing (a second recvmsg, and a receive buffer taken and given back, for
      // every datagram); a
      // socket with more waiting is reported again by the next epoll_wait
      relay
          .config()
          .setOption(
              io.netty.channel.epoll.EpollChannelOption.EPOLL_MODE,
              io.netty.channel.epoll.EpollMode.LEVEL_TRIGGERED);
      relay
          .config()
          .setRecvByteBufAllocator(
              new io.netty.channel.FixedRecvByteBufAllocator(RELAY_DATAGRAM).maxMessagesPerRead(1));
    }
    relay.pipeline().addLast(new PeerHandler(a));
    io.netty.channel.ChannelFuture bound = loop.register(relay);
    if (bound.isSuccess()) {
      bound = relay.bind(new InetSocketAddress(host, port));
    }
    if (bound.isSuccess()) {
      return relay;
    }
    relay.close();
    return null;
  }

  private byte[] refresh(
      Channel listener, StunMessage m, InetSocketAddress client, byte[] key, boolean fingerprint) {
    Allocation a = allocations.get(keyOf(listener, client));
    if (a == null) {
      return error(m, 437, "Allocation Mismatch", key, fingerprint);
    }
    long lifetime = lifetime(m, 600);
    if (lifetime == 0) {
      remove(a);
    } else {
      a.expiresAt = clock.millis() + lifetime * 1000;
    }
    return StunEncoder.responseTo(m, true)
        .add(LIFETIME, ByteBuffer.allocate(4).putInt((int) lifetime).array())
        .encode(key, fingerprint);
  }

  private byte[] createPermission(
      Channel listener, StunMessage m, InetSocketAddress client, byte[] key, boolean fingerprint)
      throws StunException {
    Allocation a = allocations.get(keyOf(listener, client));
    if (a == null) {
      return error(m, 437, "Allocation Mismatch", key, fingerprint);
    }
    List<InetAddress> peers = new ArrayList<>();
    for (StunMessage.Attribute attr : m.attributes()) {
      if (attr.type() == XOR_PEER_ADDRESS) {
        InetSocketAddress peer = xorAddress(m, attr);
        byte[] refused = refusal(a, peer, m, key, fingerprint);
        if (refused != null) {
          return refused;
        }
        peers.add(peer.getAddress());
      }
    }
    if (peers.isEmpty()) {
      return error(m, 400, "Bad Request: XOR-PEER-ADDRESS is needed", key, fingerprint);
    }
    long until = clock.millis() + PERMISSION_MILLIS;
    peers.forEach(p -> a.permissions.put(p, until));
    return StunEncoder.responseTo(m, true).encode(key, fingerprint);
  }

  private byte[] channelBind(
      Channel listener, StunMessage m, InetSocketAddress client, byte[] key, boolean fingerprint)
      throws StunException {
    Allocation a = allocations.get(keyOf(listener, client));
    if (a == null) {
      return error(m, 437, "Allocation Mismatch", key, fingerprint);
    }
    StunMessage.Attribute number = m.attribute(CHANNEL_NUMBER);
    StunMessage.Attribute peerAttr = m.attribute(XOR_PEER_ADDRESS);
    if (number == null || number.value().length != 4 || peerAttr == null) {
      return error(
          m, 400, "Bad Request: CHANNEL-NUMBER and XOR-PEER-ADDRESS are needed", key, fingerprint);
    }
    int channel = ((number.value()[0] & 0xff) << 8) | (number.value()[1] & 0xff);
    // RFC 8656 12 allows 0x4000-0x4FFF; RFC 5766 clients (coturn's among them) still use up to
    // 0x7FFF, which
    // ChannelData framing tells apart just as well (its first two bits are 01)
    if (channel < 0x4000 || channel > 0x7FFF) {
      return error(m, 400, "Bad Request: channel numbers are 0x4000-0x7FFF", key, fingerprint);
    }
    InetSocketAddress peer = xorAddress(m, peerAttr);
    byte[] refused = refusal(a, peer, m, key, fingerprint);
    if (refused != null) {
      return refused;
    }
    InetSocketAddress bound = a.channels.get(channel);
    Integer other = a.channelOf.get(peer);
    if ((bound != null && !bound.equals(peer)) || (other != null && other != channel)) {
      return error(
          m, 400, "Bad Request: channel or peer already bound otherwise", key, fingerprint);
    }
    long now = clock.millis();
    a.channels.put(channel, peer);
    a.channelOf.put(peer, channel);
    a.channelExpiry.put(channel, now + CHANNEL_MILLIS);
    a.permissions.put(peer.getAddress(), now + PERMISSION_MILLIS);
    return StunEncoder.responseTo(m, true).encode(key, fingerprint);
  }

  /**
   * Why a permission or channel to {@code peer} is refused, as the error response; null when it is
   * not: a peer of the relay's other address family (RFC 8656 9.1, 11.2: 443), or one in a denied
   * range (403).
   */
  private byte @Nullable [] refusal(
      Allocation a, InetSocketAddress peer, StunMessage m, byte[] key, boolean fingerprint) {
    if (!a.sameFamily(peer.getAddress())) {
      return error(m, 443, "Peer Address Family Mismatch", key, fingerprint);
    }
    if (!allowed(peer.getAddress())) {
      refusedPeers.increment();
      return error(m, 403, "Forbidden: peer address in a denied range", key, fingerprint);
    }
    return null;
  }

  private static InetSocketAddress xorAddress(StunMessage m, StunMessage.Attribute attr)
      throws StunException {
    return m.xorAddress(attr);
  }

  /**
   * RFC 8656 21.3: peers in loopback, private, link-local, unspecified, multicast and documentation
   * ranges are refused.
   */
  boolean allowed(InetAddress peer) {
    if (peer.isLoopbackAddress()) {
      return config.allowLoopbackPeers();
    }
    if (peer.isAnyLocalAddress() || peer.isMulticastAddress()) {
      return false;
    }
    boolean internal =
        peer.isSiteLocalAddress()
            || peer.isLinkLocalAddress()
            || (peer instanceof Inet4Address v4 && cgnatOrReserved(v4))
            || (!(peer instanceof Inet4Address) && (peer.getAddress()[0] & 0xfe) == 0xfc);
    return !internal || config.allowPrivatePeers();
  }

  private static boolean cgnatOrReserved(Inet4Address a) {
    byte[] b = a.getAddress();
    int first = b[0] & 0xff;
    return first == 0 || (first == 100 && (b[1] & 0xc0) == 64) || first >= 240;
  }

  private void send(Channel listener, StunMessage m, InetSocketAddress client) {
    Allocation a = allocations.get(keyOf(listener, client));
    StunMessage.Attribute data = m.attribute(DATA_ATTRIBUTE);
    if (a == null || data == null) {
      return;
    }
    try {
      InetSocketAddress peer = m.xorAddress(XOR_PEER_ADDRESS);
      if (peer != null
          && a.permitted(peer.getAddress(), clock.millis())
          && a.take(data.value().length)) {
        relayed.increment();
        toPeer(a, new DatagramPacket(Unpooled.wrappedBuffer(data.value()), peer));
      }
    } catch (StunException e) {
      // a broken indication is dropped (RFC 8656 11.2)
    }
  }

  private void channelData(Channel listener, InetSocketAddress client, ByteBuf content) {
    Allocation a = allocations.get(keyOf(listener, client));
    if (a == null) {
      return;
    }
    int at = content.readerIndex();
    int channel = content.getUnsignedShort(at);
    int dataLength = content.getUnsignedShort(at + 2);
    InetSocketAddress peer = a.channels.get(channel);
    if (peer == null
        || dataLength > content.readableBytes() - 4
        || !a.permitted(peer.getAddress(), clock.millis())
        || !a.take(dataLength)) {
      return;
    }
    relayed.increment();
    if (!sentDirectly(a.relay, content, at + 4, dataLength, peer)) {
      // the received buffer itself, without its header (or padding), goes out of the relay socket:
      // no copy
      toPeer(a, new DatagramPacket(content.retainedSlice(at + 4, dataLength), peer));
    }
  }

  /**
   * ChannelData's payload straight out of an epoll relay socket (one sendto), when the caller runs
   * on the relay's own event loop, where the socket cannot be closed under it: Netty's write path
   * (a packet, a promise, the outbound buffer, a flush) costs about as much CPU as the system call,
   * and a relay socket sends single datagrams that leave at once or not at all. A full socket
   * buffer or a network error drops the datagram, as the network would (UDP carries no delivery
   * guarantee). False when it cannot be done this way (NIO, another thread).
   */
  private boolean sentDirectly(
      Channel relay, ByteBuf payload, int from, int length, InetSocketAddress peer) {
    if (!(relay instanceof io.netty.channel.epoll.EpollDatagramChannel epoll)
        || !payload.hasMemoryAddress()
        || !relay.eventLoop().inEventLoop()) {
      return false;
    }
    if (!relay.isOpen()) {
      return true; // the allocation is going away: nothing to send from
    }
    try {
      if (((io.netty.channel.unix.Socket) epoll.fd())
              .sendToAddress(
                  payload.memoryAddress(), from, from + length, peer.getAddress(), peer.getPort())
          <= 0) {
        dropped.increment();
      }
    } catch (java.io.IOException e) {
      dropped.increment(); // an unreachable peer or a full buffer: lost, as on the network
    }
    return true;
  }

  /** Out of the relay socket; dropped, as the network would, while the socket's queue is full. */
  private void toPeer(Allocation a, DatagramPacket packet) {
    if (a.relay.isWritable()) {
      a.relay.writeAndFlush(packet, a.relay.voidPromise());
    } else {
      packet.release();
      dropped.increment();
    }
  }

  /**
   * Datagrams from peers to a relayed address: to the client, over a channel if one is bound, else
   * as a Data indication.
   */
  private final class PeerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Allocation allocation;

    PeerHandler(Allocation allocation) {
      this.allocation = allocation;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      Allocation a = allocation;
      InetSocketAddress peer = packet.sender();
      ByteBuf content = packet.content();
      int length = content.readableBytes();
      if (!a.permitted(peer.getAddress(), clock.millis()) || !a.take(length)) {
        return; // RFC 8656 11.3: no permission, no relay
      }
      relayed.increment();
      Integer channel = a.channelOf.get(peer);
      if (channel != null) {
        // RFC 8656 12.5: over TCP and TLS, ChannelData is padded to a multiple of four bytes
        int padded = a.stream ? (length + 3) & ~3 : length;
        ByteBuf out = ctx.alloc().directBuffer(4 + padded);
        out.writeShort(channel)
            .writeShort(length)
            .writeBytes(content, content.readerIndex(), length)
            .writeZero(padded - length);
        a.toClient(out);
      } else {
        byte[] data = new byte[length];
        content.getBytes(content.readerIndex(), data);
        byte[] tid = new byte[12];
        ThreadLocalRandom.current().nextBytes(tid);
        byte[] indication =
            new StunEncoder(DATA, StunMessage.Kind.INDICATION, tid)
                .xorAddress(XOR_PEER_ADDRESS, peer)
                .add(DATA_ATTRIBUTE, data)
                .encode(null, false);
        a.toClient(Unpooled.wrappedBuffer(indication));
      }
    }
  }

  /**
   * What relay sockets send to clients through one listening socket or connection: written at once
   * and flushed once per turn of the event loop, so that the datagrams of many peers leave in one
   * sendmmsg (one write on a stream).
   */
  private final class Outbox implements Runnable {
    private final Channel channel;
    private boolean flushQueued;

    Outbox(Channel channel) {
      this.channel = channel;
    }

    void send(Object message) {
      if (!channel.isWritable()) {
        // a client that does not read its connection, or a full socket: dropped, as the network
        // would, rather
        // than queued without end
        io.netty.util.ReferenceCountUtil.release(message);
        dropped.increment();
        return;
      }
      if (!channel.eventLoop().inEventLoop()) {
        channel.writeAndFlush(
            message, channel.voidPromise()); // a relay on another loop (the fallback group)
        return;
      }
      channel.write(message, channel.voidPromise());
      if (!flushQueued) {
        flushQueued = true;
        channel.eventLoop().execute(this); // runs after this turn's I/O
      }
    }

    @Override
    public void run() {
      flushQueued = false;
      channel.flush();
    }
  }

  private void expire() {
    long now = clock.millis();
    for (Allocation a : allocations.values()) {
      if (now >= a.expiresAt) {
        remove(a);
        continue;
      }
      a.permissions.values().removeIf(until -> until <= now);
      a.channelExpiry
          .entrySet()
          .removeIf(
              e -> {
                if (e.getValue() <= now) {
                  InetSocketAddress peer = a.channels.remove(e.getKey());
                  if (peer != null) {
                    a.channelOf.remove(peer);
                  }
                  return true;
                }
                return false;
              });
    }
  }

  private void remove(Allocation a) {
    if (allocations.remove(a.key, a)) {
      perUser.computeIfPresent(a.user, (u, n) -> n.decrementAndGet() <= 0 ? null : n);
      if (a.relay != null) {
        a.relay.close();
      }
    }
  }

  /** Closes every relay. */
  void close() {
    List.copyOf(allocations.values()).forEach(this::remove);
  }

  /**
   * One allocation (RFC 8656 2.2): its 5-tuple, relay socket, lifetime, permissions and channels.
   */
  private final class Allocation {
    final FiveTuple key;
    final Channel listener;
    final InetSocketAddress client;
    final boolean stream;
    final Outbox outbox;
    final String user;
    final byte[] transactionId;

    /** An IPv6 relay (RFC 8656 7.2): its peers are IPv6 too. */
    final boolean ipv6;

    final Map<InetAddress, Long> permissions = new ConcurrentHashMap<>();
    final Map<Integer, InetSocketAddress> channels = new ConcurrentHashMap<>();
    final Map<InetSocketAddress, Integer> channelOf = new ConcurrentHashMap<>();
    final Map<Integer, Long> channelExpiry = new ConcurrentHashMap<>();
    volatile long expiresAt;
    volatile Channel relay;
    byte[] allocateResponse;
    // a token bucket of bytes per second for both directions together
    private double tokens;
    private long refilledAt = System.nanoTime();

    Allocation(
        FiveTuple key,
        Channel listener,
        InetSocketAddress client,
        boolean stream,
        String user,
        byte[] transactionId,
        boolean ipv6) {
      this.ipv6 = ipv6;
      this.key = key;
      this.listener = listener;
      this.client = client;
      this.stream = stream;
      this.outbox = outboxes.computeIfAbsent(listener, Outbox::new);
      this.user = user;
      this.transactionId = transactionId;
      this.tokens = config.bytesPerSecond();
    }

    boolean sameFamily(InetAddress peer) {
      return (peer instanceof java.net.Inet6Address) == ipv6;
    }

    boolean permitted(InetAddress peer, long now) {
      Long until = permissions.get(peer);
      return until != null && until > now;
    }

    void toClient(ByteBuf message) {
      outbox.send(stream ? message : new DatagramPacket(message, client));
    }

    boolean take(int bytes) {
      return config.bytesPerSecond() <= 0 || takeLimited(bytes);
    }

    private synchronized boolean takeLimited(int bytes) {
      long limit = config.bytesPerSecond();
      long now = System.nanoTime();
      tokens = Math.min(limit, tokens + (now - refilledAt) / 1e9 * limit);
      refilledAt = now;
      if (tokens < bytes) {
        return false;
      }
      tokens -= bytes;
      return true;
    }
  }
}
