package dev.evertone.stun.turn;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One allocation (RFC 8656 2.2): its 5-tuple, relay socket, lifetime, permissions and channels, and
 * the token bucket its relayed bytes are taken from.
 */
final class Allocation {
  final FiveTuple key;
  final InetSocketAddress client;
  final boolean stream;
  final Outbox outbox;
  final String user;
  final byte[] transactionId;

  /** An IPv6 relay (RFC 8656 7.2): its peers are IPv6 too. */
  final boolean ipv6;

  final Channel relay;
  final Map<InetAddress, Long> permissions = new ConcurrentHashMap<>();
  final Map<Integer, InetSocketAddress> channels = new ConcurrentHashMap<>();
  final Map<InetSocketAddress, Integer> channelOf = new ConcurrentHashMap<>();
  final Map<Integer, Long> channelExpiry = new ConcurrentHashMap<>();
  volatile long expiresAt;

  // set before the allocation is listed, so that a retransmitted Allocate gets the same answer
  private byte @Nullable [] allocateResponse;

  private final long bytesPerSecond;
  // a token bucket of bytes per second for both directions together
  private double tokens;
  private long refilledAt = System.nanoTime();

  /**
   * The allocation {@code r} asks for, relayed through {@code relay}.
   *
   * @param bytesPerSecond relayed bytes per second, both directions together; 0: unlimited
   */
  Allocation(TurnRequest r, Outbox outbox, boolean ipv6, Channel relay, long bytesPerSecond) {
    this.key = r.fiveTuple();
    this.client = r.client;
    this.stream = r.stream;
    this.outbox = outbox;
    this.user = r.user;
    this.transactionId = r.message.transactionId();
    this.ipv6 = ipv6;
    this.relay = relay;
    this.bytesPerSecond = bytesPerSecond;
    this.tokens = bytesPerSecond;
  }

  void allocateResponse(byte[] response) {
    this.allocateResponse = response;
  }

  byte[] allocateResponse() {
    return Objects.requireNonNull(allocateResponse, "set before the allocation is listed");
  }

  /** Drops the permissions and channels that expired by {@code now} (RFC 8656 9, 12). */
  void expirePermissionsAndChannels(long now) {
    permissions.values().removeIf(until -> until <= now);
    channelExpiry
        .entrySet()
        .removeIf(
            e -> {
              if (e.getValue() <= now) {
                InetSocketAddress peer = channels.remove(e.getKey());
                if (peer != null) {
                  channelOf.remove(peer);
                }
                return true;
              }
              return false;
            });
  }

  boolean sameFamily(InetAddress peer) {
    return (peer instanceof Inet6Address) == ipv6;
  }

  boolean permitted(InetAddress peer, long now) {
    Long until = permissions.get(peer);
    return until != null && until > now;
  }

  void toClient(ByteBuf message) {
    outbox.send(stream ? message : new DatagramPacket(message, client));
  }

  boolean take(int bytes) {
    return bytesPerSecond <= 0 || takeLimited(bytes);
  }

  private synchronized boolean takeLimited(int bytes) {
    long limit = bytesPerSecond;
    long now = System.nanoTime();
    tokens = Math.min((double) limit, tokens + (now - refilledAt) / 1e9 * limit);
    refilledAt = now;
    if (tokens < bytes) {
      return false;
    }
    tokens -= bytes;
    return true;
  }
}
