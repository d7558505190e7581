package dev.evertone.registrar;

import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.registration.BindingRepository;
import dev.evertone.store.registration.StoredBinding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes registrations behind the location service, so that restarting evertone unregisters nobody:
 * each change marks its address-of-record, and {@link #flush()} (every {@code
 * registrar.persist-interval}) writes the live bindings of the marked AORs in batches, one
 * transaction each. A refresh storm costs one row write per AOR per interval, whatever the rate. A
 * new binding is written through ({@link #writeThrough}): its 200 OK waits for the next write,
 * which starts as soon as the writer is free and takes every AOR marked by then (a group commit),
 * so that a kill -9 loses no binding a phone was told it holds. {@link #restore()} loads them back
 * before traffic starts: UDP devices are reachable at once (at the address their REGISTER came
 * from); devices on TCP, TLS or WebSocket when they reconnect, which they do on their own (RFC 5626
 * 4.5).
 */
public final class BindingJournal {
  private static final Logger log = LoggerFactory.getLogger(BindingJournal.class);

  /** AORs per transaction: large enough to amortise the commit, small enough to keep it short. */
  static final int BATCH = 5000;

  private final LocationService location;
  private final BindingRepository repository;
  private final String node;
  private final Clock clock;
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final Counter written;
  private final Counter failures;
  private long lastErrorLogged = -60_000;
  // answers waiting for the next write (new bindings), and whether a write is queued for them
  private final Object waitersLock = new Object();
  private List<CompletableFuture<Void>> waiting = new ArrayList<>();
  private final AtomicBoolean writeQueued = new AtomicBoolean();

  public BindingJournal(
      LocationService location, BindingRepository repository, Clock clock, MeterRegistry meters) {
    this(location, repository, "", clock, meters);
  }

  /**
   * @param node this node's id in a cluster ('' alone): its rows are its own, other nodes' stay
   *     untouched
   */
  public BindingJournal(
      LocationService location,
      BindingRepository repository,
      String node,
      Clock clock,
      MeterRegistry meters) {
    this.node = node;
    this.location = location;
    this.repository = repository;
    this.clock = clock;
    this.written =
        Counter.builder("evertone.registrar.bindings.written")
            .description("addresses-of-record whose bindings were written to the store")
            .register(meters);
    this.failures =
        Counter.builder("evertone.registrar.bindings.write.failures")
            .description("failed writes of bindings to the store (retried at the next interval)")
            .register(meters);
    Gauge.builder("evertone.registrar.bindings.unwritten", dirty, Set::size)
        .description("addresses-of-record changed since the last write to the store")
        .register(meters);
    location.onChange(dirty::add);
  }

  /**
   * Writes every AOR changed since the last flush; returns how many. When the store fails, the AORs
   * stay marked and the next flush tries again: nothing is lost while the process runs.
   */
  public synchronized int flush() {
    List<CompletableFuture<Void>> answers;
    synchronized (waitersLock) {
      answers = waiting;
      waiting = new ArrayList<>();
    }
    try {
      return writeDirty();
    } finally {
      // written, or kept marked and retried: the answers wait no longer either way
      answers.forEach(a -> a.complete(null));
    }
  }

  /**
   * The {@link Registrar.Durability} of this journal: a write of everything marked, queued on
   * {@code writer} (the thread of the periodic writes) unless one is queued already.
   */
  public Registrar.Durability writeThrough(Executor writer) {
    return aor -> {
      CompletableFuture<Void> written = new CompletableFuture<>();
      synchronized (waitersLock) {
        waiting.add(written);
      }
      if (writeQueued.compareAndSet(false, true)) {
        try {
          writer.execute(
              () -> {
                writeQueued.set(false);
                flush();
              });
        } catch (RejectedExecutionException e) {
          written.complete(null); // shutting down: the final write takes it
        }
      }
      return written;
    };
  }

  private int writeDirty() {
    int total = 0;
    while (!dirty.isEmpty()) {
      Map<String, List<StoredBinding>> batch = new LinkedHashMap<>();
      Iterator<String> it = dirty.iterator();
      while (it.hasNext() && batch.size() < BATCH) {
        String aor = it.next();
        it.remove(); // removed before it is read: a change from now on marks it again
        batch.put(aor, null);
      }
      for (Map.Entry<String, List<StoredBinding>> e : batch.entrySet()) {
        e.setValue(stored(e.getKey(), location.lookup(e.getKey())));
      }
      try {
        repository.replace(node, batch);
      } catch (RuntimeException e) {
        dirty.addAll(batch.keySet());
        failures.increment();
        long now = clock.millis();
        if (now - lastErrorLogged >= 60_000) { // once a minute while the store is down
          lastErrorLogged = now;
          log.error(
              "cannot write the registrations of {} addresses-of-record to the store; kept in memory and retried every interval: {}",
              dirty.size(),
              e.getMessage());
        }
        return total;
      }
      written.increment(batch.size());
      total += batch.size();
    }
    return total;
  }

  /**
   * Loads the bindings the store holds into the location service; returns how many. Run it before
   * traffic.
   */
  public int restore() {
    long now = clock.millis();
    repository.purgeExpired(now);
    Map<String, List<Binding>> byAor = new LinkedHashMap<>();
    int skipped = 0;
    for (StoredBinding s : repository.live(node, now)) {
      Binding b = binding(s);
      if (b == null) {
        skipped++;
      } else {
        byAor.computeIfAbsent(s.aor(), k -> new ArrayList<>()).add(b);
      }
    }
    int count = 0;
    for (Map.Entry<String, List<Binding>> e : byAor.entrySet()) {
      List<Binding> restored = e.getValue();
      location.update(
          e.getKey(),
          live -> {
            List<Binding> next =
                new ArrayList<>(live); // a device faster than the restore keeps its fresh binding
            for (Binding r : restored) {
              if (next.stream().noneMatch(x -> x.matches(r.contact(), r.instanceId(), r.regId()))) {
                next.add(r);
              }
            }
            return next;
          });
      count += restored.size();
    }
    dirty.removeAll(byAor.keySet()); // what was just read need not be written back
    if (skipped > 0) {
      log.warn("{} stored registrations could not be read back and were left out", skipped);
    }
    return count;
  }

  private List<StoredBinding> stored(String aor, List<Binding> bindings) {
    List<StoredBinding> out = new ArrayList<>(bindings.size());
    for (Binding b : bindings) {
      out.add(
          new StoredBinding(
              aor,
              b.contact(),
              b.contactParams(),
              b.qMillis(),
              b.callId(),
              b.cseq(),
              b.expiresAt(),
              b.registeredAt(),
              b.transport().lowerName(),
              b.sourceAddress().getHostAddress(),
              b.sourcePort(),
              b.userAgent(),
              b.instanceId(),
              b.regId(),
              b.path(),
              node));
    }
    return out;
  }

  /**
   * A stored binding as the location service holds it, without a flow (no connection survives a
   * restart); null if unreadable.
   */
  private static @Nullable Binding binding(StoredBinding s) {
    try {
      TransportType transport = TransportType.valueOf(s.transport().toUpperCase(Locale.ROOT));
      // an IP literal: no name lookup happens
      InetAddress ip = InetAddress.getByName(s.sourceIp());
      return new Binding(
          new Binding.Contact(
              s.contact(), s.contactParams(), s.qMillis(), s.instanceId(), s.regId()),
          new Binding.Register(s.callId(), s.cseq(), s.userAgent(), s.path()),
          new Binding.Origin(transport, new InetSocketAddress(ip, s.sourcePort()), null),
          s.registeredAt(),
          s.expiresAt());
    } catch (IllegalArgumentException | UnknownHostException e) {
      return null;
    }
  }
}
