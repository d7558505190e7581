package dev.evertone.registrar;

import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.TransportType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The location service (RFC 3261 10): address-of-record -> bindings, in memory. Updates of one AOR
 * are atomic; lookups never block. Bindings leave on time: every update puts the AOR in the slot of
 * a one-second wheel for the binding's expiry, and {@link #expireDue()} empties the slots that are
 * due.
 */
public final class LocationService {
  private final Clock clock;
  private final ConcurrentHashMap<String, AorRecord> aors = new ConcurrentHashMap<>();
  // the AORs with a binding over each open stream connection, so that a closed one is found at once
  private final ConcurrentHashMap<Flow, Set<String>> aorsByFlow = new ConcurrentHashMap<>();
  private final AtomicLong bindings = new AtomicLong();
  private final AtomicReferenceArray<ConcurrentLinkedQueue<String>> wheel;
  private final int horizonSeconds;
  private volatile ExpiryListener expiryListener = (aor, binding) -> {};
  private volatile Consumer<String> changeListener = aor -> {};
  private long lastTickSecond;

  /**
   * @param maxExpiresSeconds the longest a binding can last; the expiry wheel covers it
   */
  public LocationService(Clock clock, long maxExpiresSeconds, MeterRegistry meters) {
    this.clock = clock;
    this.horizonSeconds = (int) maxExpiresSeconds + 60;
    this.wheel = new AtomicReferenceArray<>(horizonSeconds);
    this.lastTickSecond = clock.millis() / 1000;
    Gauge.builder("evertone.registrar.bindings", bindings, AtomicLong::get)
        .description("Current bindings")
        .register(meters);
    Gauge.builder("evertone.registrar.aors", aors, ConcurrentHashMap::size)
        .description("Addresses-of-record with bindings")
        .register(meters);
  }

  /** Told about each binding that expired without being refreshed or removed. */
  @FunctionalInterface
  public interface ExpiryListener {
    void expired(String aor, Binding binding);
  }

  public void onExpiry(ExpiryListener listener) {
    this.expiryListener = listener;
  }

  /**
   * Told the address-of-record after each {@link #update} (a registration, refresh or removal), on
   * the updating thread; it must be quick. Expiries are not told: a binding's expiry time says it
   * all.
   */
  public void onChange(Consumer<String> listener) {
    this.changeListener = listener;
  }

  /**
   * The live bindings of {@code aor}, highest q first (absent q counts as 1.0), then most recent
   * first.
   */
  public List<Binding> lookup(String aor) {
    AorRecord r = aors.get(aor);
    if (r == null) {
      return List.of();
    }
    long now = clock.millis();
    List<Binding> out = new ArrayList<>(r.bindings.length);
    for (Binding b : r.bindings) {
      if (!b.isExpired(now)) {
        out.add(b);
      }
    }
    out.sort(
        (a, b) -> {
          int qa = a.qMillis() < 0 ? 1000 : a.qMillis();
          int qb = b.qMillis() < 0 ? 1000 : b.qMillis();
          return qa != qb
              ? Integer.compare(qb, qa)
              : Long.compare(b.registeredAt(), a.registeredAt());
        });
    return out;
  }

  /**
   * Whether {@code aor} has a live binding registered from {@code address}: a device there has
   * proven its password, so guessing from elsewhere (or next to it, behind the same NAT) must not
   * lock it out.
   */
  public boolean hasBindingFrom(String aor, InetAddress address) {
    AorRecord r = aors.get(aor);
    if (r == null) {
      return false;
    }
    long now = clock.millis();
    for (Binding b : r.bindings) {
      if (!b.isExpired(now) && b.sourceAddress().equals(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The live bindings over the given transports, counted by User-Agent ("" when the device sent
   * none): who would be hit by a change of, say, the TLS certificate. Walks every binding; meant
   * for rare operations.
   */
  public Map<String, Integer> userAgents(Set<TransportType> transports) {
    long now = clock.millis();
    Map<String, Integer> out = new HashMap<>();
    for (AorRecord r : aors.values()) {
      for (Binding b : r.bindings) {
        if (!b.isExpired(now) && transports.contains(b.transport())) {
          out.merge(b.userAgent() == null ? "" : b.userAgent(), 1, Integer::sum);
        }
      }
    }
    return out;
  }

  /**
   * The addresses-of-record of {@code domain} that have live bindings, sorted, at most {@code
   * limit}: what an operator lists to see who is registered. Walks every AOR; meant for rare
   * operations.
   */
  public List<String> aorsOf(String domain, int limit) {
    String suffix = "@" + domain.toLowerCase(Locale.ROOT);
    long now = clock.millis();
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, AorRecord> e : aors.entrySet()) {
      if (e.getKey().endsWith(suffix)) {
        for (Binding b : e.getValue().bindings) {
          if (!b.isExpired(now)) {
            out.add(e.getKey());
            break;
          }
        }
      }
    }
    out.sort(null);
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  /**
   * Calls {@code action} with every live binding of the addresses-of-record that {@code select}
   * accepts. Walks every AOR without locking; a binding changed meanwhile may be seen before or
   * after the change.
   */
  public void forEachLive(
      java.util.function.Predicate<String> select,
      java.util.function.BiConsumer<String, Binding> action) {
    long now = clock.millis();
    for (Map.Entry<String, AorRecord> e : aors.entrySet()) {
      if (select.test(e.getKey())) {
        for (Binding b : e.getValue().bindings) {
          if (!b.isExpired(now)) {
            action.accept(e.getKey(), b);
          }
        }
      }
    }
  }

  /** Number of bindings held (expired ones count until the wheel removes them, within a second). */
  public long size() {
    return bindings.get();
  }

  public int aorCount() {
    return aors.size();
  }

  /**
   * Changes the bindings of {@code aor} atomically: {@code change} gets the live bindings and
   * returns the new list (it may throw, in which case nothing changes).
   */
  public List<Binding> update(String aor, Function<List<Binding>, List<Binding>> change) {
    while (true) {
      AorRecord r = aors.computeIfAbsent(aor, AorRecord::new);
      List<Binding> expired = new ArrayList<>(0);
      List<Binding> result;
      synchronized (r) {
        if (r.removed) {
          continue; // lost a race with the removal of an empty record: use the new one
        }
        long now = clock.millis();
        List<Binding> live = new ArrayList<>(r.bindings.length);
        for (Binding b : r.bindings) {
          (b.isExpired(now) ? expired : live).add(b);
        }
        List<Binding> next;
        try {
          next = change.apply(live);
        } catch (RuntimeException e) {
          dropIfEmpty(r);
          throw e;
        }
        Binding[] old = r.bindings;
        r.bindings = next.toArray(new Binding[0]);
        bindings.addAndGet(r.bindings.length - old.length);
        for (Binding b : r.bindings) {
          if (!containsSame(old, b)) {
            schedule(aor, b.expiresAt());
            Flow flow = b.flow();
            if (flow != null && b.transport().isReliable() && flow.isOpen()) {
              aorsByFlow.computeIfAbsent(flow, f -> ConcurrentHashMap.newKeySet()).add(aor);
            }
          }
        }
        dropIfEmpty(r);
        result = List.copyOf(next);
      }
      for (Binding b : expired) {
        expiryListener.expired(aor, b);
      }
      changeListener.accept(aor);
      return result;
    }
  }

  /**
   * Removes the bindings registered over {@code flow}, a stream connection that closed; returns
   * them with their AORs.
   */
  public List<Map.Entry<String, Binding>> removeFlow(Flow flow) {
    Set<String> held = aorsByFlow.remove(flow);
    if (held == null) {
      return List.of();
    }
    List<Map.Entry<String, Binding>> removed = new ArrayList<>();
    for (String aor : held) {
      if (aors.get(aor) == null) {
        continue;
      }
      List<Binding> gone = new ArrayList<>(1);
      update(
          aor,
          live -> {
            gone.clear(); // the update may run again after a race
            List<Binding> kept = new ArrayList<>(live.size());
            for (Binding b : live) {
              (b.flow() == flow ? gone : kept).add(b);
            }
            return kept;
          });
      gone.forEach(b -> removed.add(Map.entry(aor, b)));
    }
    return removed;
  }

  private static boolean containsSame(Binding[] bindings, Binding b) {
    for (Binding x : bindings) {
      if (x == b) {
        return true;
      }
    }
    return false;
  }

  private void dropIfEmpty(AorRecord r) {
    if (r.bindings.length == 0) {
      r.removed = true;
      aors.remove(r.aor, r);
    }
  }

  private void schedule(String aor, long expiresAt) {
    // the slot of the second in which the binding expires; the tick of the following second removes
    // it
    int slot = (int) Math.floorMod(expiresAt / 1000, (long) horizonSeconds);
    ConcurrentLinkedQueue<String> q = wheel.get(slot);
    if (q == null) {
      wheel.compareAndSet(slot, null, new ConcurrentLinkedQueue<>());
      q = wheel.get(slot);
    }
    q.add(aor);
  }

  /**
   * Removes the bindings that expired since the last call; run it every second. Returns how many.
   */
  public synchronized int expireDue() {
    long now = clock.millis();
    long nowSecond = now / 1000;
    int removed = 0;
    for (long s = lastTickSecond; s < nowSecond; s++) {
      ConcurrentLinkedQueue<String> q = wheel.get((int) Math.floorMod(s, (long) horizonSeconds));
      if (q == null) {
        continue;
      }
      String aor;
      while ((aor = q.poll()) != null) {
        removed += removeExpired(aor, now);
      }
    }
    lastTickSecond = nowSecond;
    return removed;
  }

  private int removeExpired(String aor, long now) {
    AorRecord r = aors.get(aor);
    if (r == null) {
      return 0;
    }
    List<Binding> gone = new ArrayList<>(1);
    synchronized (r) {
      if (r.removed) {
        return 0;
      }
      List<Binding> keep = new ArrayList<>(r.bindings.length);
      for (Binding b : r.bindings) {
        (b.isExpired(now) ? gone : keep).add(b);
      }
      if (gone.isEmpty()) {
        return 0;
      }
      r.bindings = keep.toArray(new Binding[0]);
      bindings.addAndGet(-gone.size());
      dropIfEmpty(r);
    }
    for (Binding b : gone) {
      expiryListener.expired(aor, b);
    }
    return gone.size();
  }

  private static final class AorRecord {
    final String aor;
    Binding[] bindings = new Binding[0];
    boolean removed;

    AorRecord(String aor) {
      this.aor = aor;
    }
  }
}
