package dev.evertone.proxy;

import dev.evertone.sip.transport.Source;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.ForwardRule;
import dev.evertone.store.routing.PhoneNumber;
import dev.evertone.store.routing.RoutingRepository;
import dev.evertone.store.routing.Trunk;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every domain's trunks (with their addresses resolved and passwords decrypted), numbers,
 * forwarding rules and dial plans, held in memory as one immutable snapshot so that routing a call
 * never waits for the database. The snapshot is read again on every routing change (the change log,
 * from any node) and periodically, so that a carrier's changed DNS name is followed; a provider has
 * hundreds of these rows, not millions.
 */
public final class RoutingTable {
  private static final Logger log = LoggerFactory.getLogger(RoutingTable.class);

  /** A trunk with where to send to, and the password to answer the carrier's challenges with. */
  public record Route(Trunk trunk, @Nullable InetSocketAddress address, @Nullable String secret) {}

  private record Snapshot(
      Map<String, List<Route>> trunks,
      Map<Object, Route> byAddress,
      Map<String, PhoneNumber> numbers,
      Map<String, Map<ForwardRule.Kind, ForwardRule>> rules,
      Map<String, DialPlan> plans,
      Map<String, String> numberOfExtension) {
    static final Snapshot EMPTY =
        new Snapshot(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
  }

  private final RoutingRepository repository;
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  public RoutingTable(RoutingRepository repository, MeterRegistry meters) {
    this.repository = repository;
    Gauge.builder(
            "evertone.routing.trunks",
            this,
            t -> t.snapshot.trunks().values().stream().mapToLong(List::size).sum())
        .description("Trunks to carriers, of every domain")
        .register(meters);
    Gauge.builder(
            "evertone.routing.trunks.unresolved",
            this,
            t ->
                t.snapshot.trunks().values().stream()
                    .flatMap(List::stream)
                    .filter(r -> r.address() == null)
                    .count())
        .description("Trunks whose host name does not resolve: calls skip them")
        .register(meters);
    Gauge.builder("evertone.routing.numbers", this, t -> t.snapshot.numbers().size())
        .description("Phone numbers (DIDs) of every domain")
        .register(meters);
    Gauge.builder(
            "evertone.routing.forward.rules",
            this,
            t -> t.snapshot.rules().values().stream().mapToLong(Map::size).sum())
        .description("Forwarding rules of every extension")
        .register(meters);
  }

  /** Reads everything again (at startup, after a routing change, and every few minutes). */
  public synchronized void reload() {
    Map<String, List<Route>> trunks = new HashMap<>();
    Map<Object, Route> byAddress = new HashMap<>();
    for (Trunk t : repository.trunks()) {
      InetSocketAddress address = null;
      try {
        address = new InetSocketAddress(InetAddress.getByName(t.host()), t.port());
      } catch (UnknownHostException e) {
        log.warn(
            "trunk {} of {}: cannot resolve {}; calls skip it until it resolves",
            t.name(),
            t.domain(),
            t.host());
      }
      String secret = t.hasSecret() ? repository.trunkSecret(t.domain(), t.name()) : null;
      Route r = new Route(t, address, secret);
      trunks.computeIfAbsent(t.domain(), d -> new ArrayList<>()).add(r);
      if (address != null) {
        // over UDP a carrier sends from the port it listens on; over TCP from any port of its
        // address
        byAddress.putIfAbsent("udp".equals(t.transport()) ? address : address.getAddress(), r);
      }
    }
    Map<String, PhoneNumber> numbers = new HashMap<>();
    Map<String, String> numberOfExtension = new HashMap<>();
    for (PhoneNumber n : repository.numbers()) {
      numbers.put(n.number(), n);
      numberOfExtension.putIfAbsent(key(n.domain(), n.extension()), n.number());
    }
    Map<String, Map<ForwardRule.Kind, ForwardRule>> rules = new HashMap<>();
    for (ForwardRule r : repository.forwardRules()) {
      rules
          .computeIfAbsent(
              key(r.domain(), r.extension()), k -> new EnumMap<>(ForwardRule.Kind.class))
          .put(r.kind(), r);
    }
    Map<String, DialPlan> plans = new HashMap<>();
    for (DialPlan p : repository.dialPlans()) {
      plans.put(p.domain(), p);
    }
    trunks.replaceAll((d, list) -> List.copyOf(list));
    snapshot =
        new Snapshot(
            Map.copyOf(trunks),
            Map.copyOf(byAddress),
            Map.copyOf(numbers),
            Map.copyOf(rules),
            Map.copyOf(plans),
            Map.copyOf(numberOfExtension));
  }

  private static String key(String domain, String extension) {
    return extension + "@" + domain.toLowerCase(Locale.ROOT);
  }

  /** Every trunk of every domain. */
  public List<Route> allTrunks() {
    return snapshot.trunks().values().stream().flatMap(List::stream).toList();
  }

  /** The trunks of a domain in the order calls try them. */
  public List<Route> trunks(String domain) {
    return snapshot.trunks().getOrDefault(domain.toLowerCase(Locale.ROOT), List.of());
  }

  /**
   * The trunk whose carrier a request came from (its host and, over UDP, its port): such requests
   * come from the outside world, not from a device, and are accepted without a password.
   */
  public @Nullable Route trunkAt(Source source) {
    Object key =
        source.transport() == TransportType.UDP ? source.remote() : source.remote().getAddress();
    return snapshot.byAddress().get(key);
  }

  /** Whom a number (E.164) rings, or null. */
  public @Nullable PhoneNumber number(String e164) {
    return snapshot.numbers().get(e164);
  }

  /**
   * The number of an extension (its first), shown to carriers as the caller's; null if it has none.
   */
  public @Nullable String numberOf(String domain, String extension) {
    return snapshot.numberOfExtension().get(key(domain, extension));
  }

  /** The forwarding rules of an extension, by kind. */
  public Map<ForwardRule.Kind, ForwardRule> rules(String domain, String extension) {
    return snapshot.rules().getOrDefault(key(domain, extension), Map.of());
  }

  public @Nullable DialPlan plan(String domain) {
    return snapshot.plans().get(domain.toLowerCase(Locale.ROOT));
  }
}
