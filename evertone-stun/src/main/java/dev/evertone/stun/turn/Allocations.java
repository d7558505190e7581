package dev.evertone.stun.turn;

import dev.evertone.stun.LocalAddresses;
import dev.evertone.stun.StunAttributes;
import dev.evertone.stun.StunMessage;
import dev.evertone.stun.TurnConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allocations of the relay (RFC 8656 7): Allocate and Refresh requests, their lifetimes, the
 * quotas per user and in total, the relay ports they take; every second, what expired goes.
 */
final class Allocations {
  private static final Logger log = LoggerFactory.getLogger(Allocations.class);

  /** RFC 8656 7.2: the lifetime of an allocation whose request asks for none. */
  private static final long DEFAULT_LIFETIME_SECONDS = 600;

  private final TurnConfig config;
  private final Clock clock;
  private final Relay relay;
  private final RelaySockets sockets;
  private final Map<FiveTuple, Allocation> allocations = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> expiry;

  /**
   * The allocations of {@code config}; expiry runs on a loop of {@code group}.
   *
   * @param relay the outboxes of allocations' clients
   * @param sockets binds the relay socket of each allocation
   */
  Allocations(
      TurnConfig config,
      Clock clock,
      Relay relay,
      RelaySockets sockets,
      EventLoopGroup group,
      MeterRegistry meters) {
    this.config = config;
    this.clock = clock;
    this.relay = relay;
    this.sockets = sockets;
    Gauge.builder("evertone.turn.allocations", allocations, Map::size)
        .description("TURN allocations held")
        .register(meters);
    this.expiry = group.next().scheduleAtFixedRate(this::expire, 1, 1, TimeUnit.SECONDS);
  }

  /** The allocation of a 5-tuple, or null. */
  @Nullable Allocation get(Channel listener, InetSocketAddress client) {
    return allocations.get(new FiveTuple(listener, client));
  }

  byte[] allocate(TurnRequest r) {
    StunMessage m = r.message;
    FiveTuple k = r.fiveTuple();
    Allocation existing = allocations.get(k);
    if (existing != null) {
      if (Arrays.equals(existing.transactionId, m.transactionId())) {
        return existing.allocateResponse(); // a retransmission (RFC 8656 7.2)
      }
      return r.error(437, "Allocation Mismatch");
    }
    StunMessage.Attribute transport = m.attribute(StunAttributes.REQUESTED_TRANSPORT);
    if (transport == null || transport.value().length != 4) {
      return r.error(400, "Bad Request: REQUESTED-TRANSPORT is needed");
    }
    if (transport.value()[0] != 17) {
      return r.error(442, "Unsupported Transport Protocol");
    }
    // RFC 8656 7.2: IPv4 unless the client asks for IPv6 (0x02), which needs an IPv6 relay address
    StunMessage.Attribute family = m.attribute(StunAttributes.REQUESTED_ADDRESS_FAMILY);
    int asked = family == null || family.value().length == 0 ? 1 : family.value()[0];
    String host = asked == 1 ? config.relayHost() : asked == 2 ? config.relayHostIpv6() : null;
    if (host == null) {
      return r.error(440, "Address Family not Supported");
    }
    boolean ipv6 = asked == 2;
    AtomicInteger mine = perUser.computeIfAbsent(r.user, u -> new AtomicInteger());
    if (mine.get() >= config.perUserAllocations()) {
      return r.error(486, "Allocation Quota Reached");
    }
    if (allocations.size() >= config.totalAllocations()) {
      return r.error(508, "Insufficient Capacity");
    }
    boolean even = m.attribute(StunAttributes.EVEN_PORT) != null;
    Allocation a = bindRelay(r, ipv6, even, r.listener.eventLoop(), host);
    if (a == null) {
      return r.error(508, "Insufficient Capacity");
    }
    long lifetime = lifetime(m, DEFAULT_LIFETIME_SECONDS);
    a.expiresAt = clock.millis() + lifetime * 1000;
    mine.incrementAndGet();
    byte[] response =
        r.signed(
            r.success()
                .xorAddress(
                    StunAttributes.XOR_RELAYED_ADDRESS,
                    advertised((InetSocketAddress) a.relay.localAddress(), r.client))
                .add(StunAttributes.LIFETIME, ByteBuffer.allocate(4).putInt((int) lifetime).array())
                .xorAddress(StunAttributes.XOR_MAPPED_ADDRESS, r.client));
    a.allocateResponse(response);
    allocations.put(k, a);
    log.debug(
        "TURN allocation for {} at {}: relay {} for {} s",
        r.user,
        r.client,
        a.relay.localAddress(),
        lifetime);
    return response;
  }

  /**
   * The relayed address as the client must write it: a concrete address even when relays listen on
   * every address.
   */
  private InetSocketAddress advertised(InetSocketAddress bound, InetSocketAddress client) {
    if (!bound.getAddress().isAnyLocalAddress()) {
      return bound;
    }
    InetAddress configured = config.advertisedAddress();
    if (configured != null) {
      return new InetSocketAddress(configured, bound.getPort());
    }
    InetAddress source = LocalAddresses.sourceTowards(client.getAddress());
    return source == null ? bound : new InetSocketAddress(source, bound.getPort());
  }

  /**
   * The lifetime asked for, bounded (RFC 8656 7.2: at most the server's maximum; the default when
   * absent).
   */
  private long lifetime(StunMessage m, long fallback) {
    StunMessage.Attribute l = m.attribute(StunAttributes.LIFETIME);
    long asked =
        l == null || l.value().length != 4
            ? fallback
            : ByteBuffer.wrap(l.value()).getInt() & 0xffffffffL;
    return Math.min(asked, config.maxLifetimeSeconds());
  }

  /**
   * The allocation of {@code r} around a relay socket on a free port of the range (an even one if
   * asked: RFC 8656 7.2), tried from a random start; null when none is free.
   */
  private @Nullable Allocation bindRelay(
      TurnRequest r, boolean ipv6, boolean even, EventLoop loop, String host) {
    int span = config.maxPort() - config.minPort() + 1;
    int start = ThreadLocalRandom.current().nextInt(span);
    Outbox outbox = relay.outbox(r.listener);
    for (int i = 0; i < span; i++) {
      int port = config.minPort() + (start + i) % span;
      if (even && port % 2 != 0) {
        continue;
      }
      try {
        Allocation a =
            sockets.bind(
                loop,
                host,
                port,
                socket -> new Allocation(r, outbox, ipv6, socket, config.bytesPerSecond()));
        if (a != null) {
          return a;
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

  byte[] refresh(TurnRequest r) {
    Allocation a = allocations.get(r.fiveTuple());
    if (a == null) {
      return r.error(437, "Allocation Mismatch");
    }
    long lifetime = lifetime(r.message, DEFAULT_LIFETIME_SECONDS);
    if (lifetime == 0) {
      remove(a);
    } else {
      a.expiresAt = clock.millis() + lifetime * 1000;
    }
    return r.signed(
        r.success()
            .add(StunAttributes.LIFETIME, ByteBuffer.allocate(4).putInt((int) lifetime).array()));
  }

  private void expire() {
    long now = clock.millis();
    for (Allocation a : allocations.values()) {
      if (now >= a.expiresAt) {
        remove(a);
        continue;
      }
      a.expirePermissionsAndChannels(now);
    }
  }

  /** Ends an allocation: its relay socket closes, its user's quota counts one less. */
  void remove(Allocation a) {
    if (allocations.remove(a.key, a)) {
      perUser.computeIfPresent(a.user, (u, n) -> n.decrementAndGet() <= 0 ? null : n);
      // nothing waits for the relay socket to close
      var unused = a.relay.close();
    }
  }

  /** Ends every allocation and stops expiring them. */
  void close() {
    expiry.cancel(false);
    List.copyOf(allocations.values()).forEach(this::remove);
  }
}
