package dev.evertone.stun.turn;

import dev.evertone.stun.StunAttributes;
import dev.evertone.stun.StunException;
import dev.evertone.stun.StunMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The data a client sends to its peers: Send indications (RFC 8656 11) and ChannelData (RFC 8656
 * 12.4), to permitted peers only, within the allocation's rate, out of its relay socket; and the
 * outboxes that carry what peers send back to clients.
 */
final class Relay {
  private final Clock clock;
  private final Map<Channel, Outbox> outboxes = new ConcurrentHashMap<>();
  private final Counter relayed;
  private final Counter dropped;

  Relay(Clock clock, MeterRegistry meters) {
    this.clock = clock;
    this.relayed =
        Counter.builder("evertone.turn.relayed")
            .description("Datagrams relayed between clients and peers")
            .register(meters);
    this.dropped =
        Counter.builder("evertone.turn.dropped")
            .description(
                "Datagrams not relayed: the way out was full (a client not reading) or the network refused them")
            .register(meters);
  }

  /** Counts the datagrams relayed, both ways. */
  Counter relayed() {
    return relayed;
  }

  /** What relay sockets send to clients through {@code listener} goes through this. */
  Outbox outbox(Channel listener) {
    return outboxes.computeIfAbsent(listener, l -> new Outbox(l, dropped));
  }

  /** A connection closed: its outbox goes. */
  void connectionClosed(Channel connection) {
    outboxes.remove(connection);
  }

  /** A Send indication from the client of {@code a} (none: dropped). */
  void send(@Nullable Allocation a, StunMessage m) {
    StunMessage.Attribute data = m.attribute(StunAttributes.DATA_ATTRIBUTE);
    if (a == null || data == null) {
      return;
    }
    try {
      InetSocketAddress peer = m.xorAddress(StunAttributes.XOR_PEER_ADDRESS);
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

  /** ChannelData from the client of {@code a} (none: dropped). */
  void channelData(@Nullable Allocation a, ByteBuf content) {
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
    if (!(relay instanceof EpollDatagramChannel epoll)
        || !payload.hasMemoryAddress()
        || !relay.eventLoop().inEventLoop()) {
      return false;
    }
    if (!relay.isOpen()) {
      return true; // the allocation is going away: nothing to send from
    }
    try {
      if (((Socket) epoll.fd())
              .sendToAddress(
                  payload.memoryAddress(), from, from + length, peer.getAddress(), peer.getPort())
          <= 0) {
        dropped.increment();
      }
    } catch (IOException e) {
      dropped.increment(); // an unreachable peer or a full buffer: lost, as on the network
    }
    return true;
  }

  /** Out of the relay socket; dropped, as the network would, while the socket's queue is full. */
  private void toPeer(Allocation a, DatagramPacket packet) {
    if (a.relay.isWritable()) {
      // the void promise has nothing to tell: a datagram the network loses is lost
      var unused = a.relay.writeAndFlush(packet, a.relay.voidPromise());
    } else {
      packet.release();
      dropped.increment();
    }
  }
}
