package dev.evertone.sip.transport;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Open stream connections by remote address, so that a request to a peer reuses the connection it
 * already has with us (RFC 3261 18.1.1, RFC 5626 flows), and so that the number of connections is
 * bounded, in all and per source address (so that one source cannot take every slot).
 */
final class ConnectionTable {
  private final ConcurrentHashMap<InetSocketAddress, StreamFlow> byRemote =
      new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> bySource = new ConcurrentHashMap<>();
  private final int max;
  private final int maxPerSource;

  ConnectionTable(int max, int maxPerSource, MeterRegistry meters) {
    this.max = max;
    this.maxPerSource = maxPerSource;
    Gauge.builder("evertone.sip.connections", open, AtomicInteger::get)
        .description("Open stream connections")
        .register(meters);
  }

  /** Whether another connection may be opened (outgoing ones count in the total only). */
  boolean hasRoom() {
    return open.get() < max;
  }

  /** Why an incoming connection is refused. */
  enum Refusal {
    FULL,
    SOURCE_FULL
  }

  /**
   * Admits an incoming connection from {@code source}, counted against its source until {@code
   * closed} completes; or says why not.
   */
  @Nullable Refusal admit(InetAddress source, Future<?> closed) {
    if (open.get() >= max) {
      return Refusal.FULL;
    }
    boolean[] admitted = {false};
    bySource.compute(
        source,
        (a, n) -> {
          int count = n == null ? 0 : n;
          if (count >= maxPerSource) {
            return n;
          }
          admitted[0] = true;
          return count + 1;
        });
    if (!admitted[0]) {
      return Refusal.SOURCE_FULL;
    }
    closed.addListener(f -> bySource.computeIfPresent(source, (a, n) -> n <= 1 ? null : n - 1));
    return null;
  }

  int maxPerSource() {
    return maxPerSource;
  }

  void add(StreamFlow flow) {
    open.incrementAndGet();
    byRemote.put(flow.remoteAddress(), flow);
  }

  void remove(StreamFlow flow) {
    if (flow != null) {
      open.decrementAndGet();
      byRemote.remove(flow.remoteAddress(), flow);
    }
  }

  @Nullable StreamFlow get(InetSocketAddress remote) {
    StreamFlow flow = byRemote.get(remote);
    return flow != null && flow.isOpen() ? flow : null;
  }

  int size() {
    return open.get();
  }
}
