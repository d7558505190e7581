package dev.evertone.proxy;

import dev.evertone.store.registration.BindingRepository;
import dev.evertone.store.registration.ClusterNode;
import dev.evertone.store.registration.StoredBinding;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other evertone nodes on the same PostgreSQL. Each node writes its bindings to the shared
 * table (the binding journal) and says every heartbeat interval that it is alive. A call for a
 * device registered on another node goes through that node, which holds the device's connection or
 * NAT mapping; when that node has been silent for three intervals it is down, and its UDP devices
 * are reached directly from here.
 */
public final class Cluster {
  private static final Logger log = LoggerFactory.getLogger(Cluster.class);

  private final String nodeId;
  private volatile @Nullable InetSocketAddress self;
  private final @Nullable BindingRepository bindings;
  private final Executor storeExecutor;
  private final Clock clock;
  private final long downAfterMillis;
  private volatile Map<String, InetSocketAddress> alive = Map.of();
  private volatile Set<InetSocketAddress> aliveAddresses = Set.of();
  private final Set<String> knownDown = new HashSet<>();
  private volatile int down;

  /** A single node: no other node, nothing to look up. */
  public static Cluster single() {
    return new Cluster("", null, Runnable::run, Clock.systemUTC(), 0, null);
  }

  /**
   * A node that takes part once it {@link #join joins} with its SIP address.
   *
   * @param heartbeatMillis how often this node says it is alive; three silent intervals and a node
   *     is down
   */
  public Cluster(
      String nodeId,
      @Nullable BindingRepository bindings,
      Executor storeExecutor,
      Clock clock,
      long heartbeatMillis,
      @Nullable MeterRegistry meters) {
    this.nodeId = nodeId;
    this.bindings = bindings;
    this.storeExecutor = storeExecutor;
    this.clock = clock;
    this.downAfterMillis = 3 * heartbeatMillis;
    if (meters != null) {
      Gauge.builder("evertone.cluster.nodes", this, c -> c.alive.size())
          .tag("state", "up")
          .description("Other nodes of the cluster")
          .register(meters);
      Gauge.builder("evertone.cluster.nodes", this, c -> c.down)
          .tag("state", "down")
          .description("Other nodes of the cluster")
          .register(meters);
    }
  }

  public boolean enabled() {
    return bindings != null && !nodeId.isEmpty();
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * Announces this node at its UDP SIP address as the others reach it (known once its socket is
   * bound); from then on each {@link #heartbeat} says it is alive.
   */
  public void join(InetSocketAddress self) {
    this.self = self;
    heartbeat();
  }

  /**
   * Says this node is alive (once it has {@link #join joined}) and reads who else is: before the
   * node serves, so that its first requests already know the other nodes, then every heartbeat
   * interval on a maintenance thread.
   */
  public void heartbeat() {
    BindingRepository bindings = this.bindings;
    if (!enabled() || bindings == null) {
      return;
    }
    long now = clock.millis();
    InetSocketAddress self = this.self;
    if (self != null) {
      bindings.heartbeat(
          new ClusterNode(nodeId, self.getAddress().getHostAddress(), self.getPort(), now));
    }
    Map<String, InetSocketAddress> up = new HashMap<>();
    int silent = 0;
    for (ClusterNode n : bindings.nodes()) {
      if (n.id().equals(nodeId)) {
        continue;
      }
      boolean isUp = now - n.lastSeen() <= downAfterMillis;
      synchronized (knownDown) {
        if (isUp && knownDown.remove(n.id())) {
          log.info("node {} is up again at {}:{}", n.id(), n.sipHost(), n.sipPort());
        } else if (!isUp && knownDown.add(n.id())) {
          log.warn(
              "node {} is down (silent for {} s): its UDP devices are reached from here directly, its TCP, TLS and WebSocket "
                  + "devices once they connect to another node",
              n.id(),
              (now - n.lastSeen()) / 1000);
        }
      }
      if (isUp) {
        try {
          up.put(n.id(), new InetSocketAddress(InetAddress.getByName(n.sipHost()), n.sipPort()));
        } catch (UnknownHostException e) {
          log.warn("node {} says it is at {}, which does not resolve", n.id(), n.sipHost());
        }
      } else {
        silent++;
      }
    }
    alive = Map.copyOf(up);
    aliveAddresses = Set.copyOf(up.values());
    down = silent;
  }

  /** The other nodes found silent at the last heartbeat, by id. */
  public Set<String> downNodes() {
    synchronized (knownDown) {
      return Set.copyOf(knownDown);
    }
  }

  /** The SIP address of node {@code id} if it is another node and alive; null otherwise. */
  public @Nullable InetSocketAddress aliveAddress(String id) {
    return id.equals(nodeId) ? null : alive.get(id);
  }

  /**
   * Whether a request came from a live node of the cluster (which may ask this node to reach its
   * devices).
   */
  public boolean isNode(InetSocketAddress source) {
    return aliveAddresses.contains(source);
  }

  /** The live bindings of {@code aors} registered on other nodes, read on a store thread. */
  public CompletableFuture<List<StoredBinding>> elsewhere(Collection<String> aors) {
    BindingRepository shared = bindings;
    if (!enabled() || shared == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<String> copy = List.copyOf(aors);
    return CompletableFuture.supplyAsync(
        () -> shared.elsewhere(nodeId, copy, clock.millis()), storeExecutor);
  }
}
