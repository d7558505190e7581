package dev.evertone.server;

import dev.evertone.config.ServerConfig;
import dev.evertone.config.Settings;
import dev.evertone.registrar.ChangeWatcher;
import dev.evertone.store.Store;
import dev.evertone.store.jdbc.JdbcStore;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every feature of a node shares: the store and the threads that wait for it, the change feed
 * every cache follows, the metrics, the clock, and the maintenance thread that runs each feature's
 * periodic tasks.
 */
final class Node {
  // the node's start-up lines under one name, as operators know them
  private static final Logger log = LoggerFactory.getLogger(EvertoneServer.class);

  final ServerConfig config;
  final Clock clock;
  final Store store;
  final PrometheusMeterRegistry meters;

  /** Threads that wait for the store, so that no event loop ever does. */
  final ExecutorService storeExecutor;

  /**
   * Every change to the store, from this process or another node; features add their listeners
   * before it starts.
   */
  final ChangeWatcher changes;

  private final ScheduledExecutorService maintenance;
  private final AtomicBoolean quiet = new AtomicBoolean();

  private Node(ServerConfig config, Clock clock, Store store, PrometheusMeterRegistry meters) {
    this.config = config;
    this.clock = clock;
    this.store = store;
    this.meters = meters;
    // first: it reads the store, and may fail before any thread exists
    this.changes = new ChangeWatcher(store.changes());
    this.storeExecutor =
        Executors.newFixedThreadPool(config.store().poolSize(), daemon("store-io"));
    this.maintenance = Executors.newSingleThreadScheduledExecutor(daemon("maintenance"));
  }

  /** Opens the store (migrating its schema) and starts the JVM's metrics. */
  static Node open(ServerConfig config, Clock clock) {
    Store store = JdbcStore.open(Settings.store(config), clock);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(meters);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    Node node;
    try {
      node = new Node(config, clock, store, meters);
    } catch (RuntimeException | Error e) {
      store.close();
      meters.close();
      throw e;
    }
    node.every(
        "change log pruning",
        Duration.ofMinutes(1),
        Duration.ofHours(1),
        () -> store.changes().prune(clock.millis() - TimeUnit.DAYS.toMillis(1)));
    return node;
  }

  /**
   * Runs {@code task} on the maintenance thread every {@code period} (a failure is logged; the next
   * run still happens).
   */
  void every(String what, Duration first, Duration period, Runnable task) {
    // guarded() logs every failure; shutting the executor down cancels the task
    var unused =
        maintenance.scheduleAtFixedRate(
            guarded(what, task), first.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * As {@link #every}, with {@code pause} between the end of a run and the start of the next (a
   * slow run never piles up).
   */
  void pausing(String what, Duration first, Duration pause, Runnable task) {
    pausing(maintenance, what, first, pause, task);
  }

  /** As {@link #pausing(String, Duration, Duration, Runnable)}, on a thread of its own. */
  static void pausing(
      ScheduledExecutorService on, String what, Duration first, Duration pause, Runnable task) {
    // guarded() logs every failure; shutting the executor down cancels the task
    var unused =
        on.scheduleWithFixedDelay(
            guarded(what, task), first.toMillis(), pause.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts following the change feed, once every feature listens to it. */
  void serve() {
    changes.start(config.store().changePollInterval().toMillis());
  }

  /**
   * Stops the periodic tasks and lets what waits for the store finish (up to 2 s), so that answers
   * to requests whose credentials are being loaded go out before the sockets close.
   */
  void quiesce() {
    if (!quiet.compareAndSet(false, true)) {
      return;
    }
    changes.close();
    maintenance.shutdownNow();
    storeExecutor.shutdown();
    try {
      storeExecutor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Closes the store and the metrics: last, after every feature has written what it keeps. */
  void close() {
    quiesce();
    storeExecutor.shutdownNow();
    store.close();
    meters.close();
  }

  static Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("{} failed", what, e);
      }
    };
  }

  static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
