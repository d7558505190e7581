package dev.evertone.stun.turn;

import dev.evertone.stun.BindingService;
import dev.evertone.stun.StunAttributes;
import dev.evertone.stun.StunEncoder;
import dev.evertone.stun.StunException;
import dev.evertone.stun.StunIntegrity;
import dev.evertone.stun.StunLimits;
import dev.evertone.stun.StunMessage;
import dev.evertone.stun.TurnConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The TURN relay (RFC 8656) with UDP relays, for clients over UDP, TCP or TLS: Allocate, Refresh,
 * CreatePermission and ChannelBind with long-term credentials (static accounts, or the TURN REST
 * convention with rotating shared secrets), Send and Data indications, ChannelData; allocations,
 * permissions and channels expire; quotas per user and in total; peers in loopback, private and
 * other internal ranges refused unless configured, so that the relay cannot reach internal
 * networks. Runs on the STUN server's sockets; a Binding request still goes to {@link
 * BindingService}.
 */
public final class TurnService {
  private final BindingService binding;
  private final LongTermCredentials credentials;
  private final Allocations allocations;
  private final Permissions permissions;
  private final Relay relay;

  /**
   * A relay of {@code config} whose sockets are of {@code channelClass}.
   *
   * @param limits the nonce lifetime and the largest datagram a relay socket receives
   * @param relays the loops of relay sockets bound from outside the listening loops, and of expiry
   */
  public TurnService(
      TurnConfig config,
      StunLimits limits,
      BindingService binding,
      EventLoopGroup relays,
      Class<? extends DatagramChannel> channelClass,
      Clock clock,
      MeterRegistry meters) {
    this.binding = binding;
    this.credentials = new LongTermCredentials(config, limits.nonceLifetime(), clock);
    this.relay = new Relay(clock, meters);
    RelaySockets sockets =
        new RelaySockets(relays, channelClass, limits.relayDatagramBytes(), clock, relay.relayed());
    this.allocations = new Allocations(config, clock, relay, sockets, relays, meters);
    this.permissions = new Permissions(allocations, new PeerPolicy(config, meters), clock);
  }

  /**
   * A datagram on a listening UDP socket: ChannelData, a TURN message, or a Binding request;
   * answers are flushed by the caller.
   */
  public void onDatagram(Channel listener, ByteBuf content, InetSocketAddress client) {
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
  public boolean allocated(Channel connection) {
    return allocations.get(connection, (InetSocketAddress) connection.remoteAddress()) != null;
  }

  /** RFC 8656 3.1: when the client's connection closes, its allocation goes. */
  public void connectionClosed(Channel connection) {
    relay.connectionClosed(connection);
    Allocation a = allocations.get(connection, (InetSocketAddress) connection.remoteAddress());
    if (a != null) {
      allocations.remove(a);
    }
  }

  /** Closes every relay. */
  public void close() {
    allocations.close();
  }

  private void onMessage(
      Channel listener, InetSocketAddress client, boolean stream, ByteBuf content) {
    int length = content.readableBytes();
    if (length >= 4 && (content.getByte(content.readerIndex()) & 0xC0) == 0x40) {
      relay.channelData(allocations.get(listener, client), content);
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
    } else if (m.kind() == StunMessage.Kind.INDICATION && m.method() == StunAttributes.SEND) {
      relay.send(allocations.get(listener, client), m);
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
      // a lost answer is a lost datagram: the client retransmits its request (RFC 8489 6.2.1)
      var unused =
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
    if (m.method() != StunAttributes.ALLOCATE
        && m.method() != StunAttributes.REFRESH
        && m.method() != StunAttributes.CREATE_PERMISSION
        && m.method() != StunAttributes.CHANNEL_BIND) {
      return StunEncoder.responseTo(m, false).error(400, "Bad Request").encode(null, fingerprint);
    }
    // RFC 8656 5 / RFC 8489 9.2: every request is authenticated with long-term credentials
    return credentials.authenticate(
        m,
        client,
        fingerprint,
        (user, key) ->
            answer(new TurnRequest(listener, client, stream, m, user, key, fingerprint)));
  }

  private byte[] answer(TurnRequest r) {
    try {
      return switch (r.message.method()) {
        case StunAttributes.ALLOCATE -> allocations.allocate(r);
        case StunAttributes.REFRESH -> allocations.refresh(r);
        case StunAttributes.CREATE_PERMISSION -> permissions.createPermission(r);
        default -> permissions.channelBind(r);
      };
    } catch (StunException e) {
      return r.error(400, "Bad Request: " + e.getMessage());
    }
  }

  private static boolean turnAttribute(int type) {
    return switch (type) {
      case StunAttributes.CHANNEL_NUMBER,
          StunAttributes.LIFETIME,
          StunAttributes.XOR_PEER_ADDRESS,
          StunAttributes.DATA_ATTRIBUTE,
          StunAttributes.XOR_RELAYED_ADDRESS,
          StunAttributes.REQUESTED_ADDRESS_FAMILY,
          StunAttributes.EVEN_PORT,
          StunAttributes.REQUESTED_TRANSPORT,
          StunAttributes.DONT_FRAGMENT ->
          true;
      default -> false;
    };
  }
}
