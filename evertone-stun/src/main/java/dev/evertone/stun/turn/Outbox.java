package dev.evertone.stun.turn;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;

/**
 * What relay sockets send to clients through one listening socket or connection: written at once
 * and flushed once per turn of the event loop, so that the datagrams of many peers leave in one
 * sendmmsg (one write on a stream).
 */
final class Outbox implements Runnable {
  private final Channel channel;
  private final Counter dropped;
  private boolean flushQueued;

  Outbox(Channel channel, Counter dropped) {
    this.channel = channel;
    this.dropped = dropped;
  }

  void send(Object message) {
    if (!channel.isWritable()) {
      // a client that does not read its connection, or a full socket: dropped, as the network
      // would, rather than queued without end
      ReferenceCountUtil.release(message);
      dropped.increment();
      return;
    }
    if (!channel.eventLoop().inEventLoop()) {
      // a relay on another loop (the fallback group); the void promise has nothing to tell
      var unused = channel.writeAndFlush(message, channel.voidPromise());
      return;
    }
    var unused = channel.write(message, channel.voidPromise());
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
