package dev.evertone.sip.transport;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Open stream connections by remote address, so that a request to a peer reuses the connection it
 * already has with us (RFC 3261 18.1.1, RFC 5626 flows), and so that the number of connections is
 * bounded.
 */
final class ConnectionTable {
  private final ConcurrentHashMap<InetSocketAddress, StreamFlow> byRemote =
      new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final int max;

  ConnectionTable(int max, MeterRegistry meters) {
    this.max = max;
    Gauge.builder("evertone.sip.connections", open, AtomicInteger::get)
        .description("Open stream connections")
        .register(meters);
  }

  /** Whether another connection may be accepted. */
  boolean hasRoom() {
    return open.get() < max;
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
