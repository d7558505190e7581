package dev.evertone.proxy;

import dev.evertone.registrar.AuthGuard;
import dev.evertone.registrar.CredentialCache;
import dev.evertone.registrar.DigestGate;
import dev.evertone.registrar.LocationService;
import dev.evertone.registrar.Registrar;
import dev.evertone.registrar.RegistrarConfig;
import dev.evertone.sip.SipStack;
import dev.evertone.sip.auth.DigestAlgorithm;
import dev.evertone.sip.auth.DigestAuthenticator;
import dev.evertone.sip.auth.NonceService;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.transaction.InviteServerTransaction;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TimerConfig;
import dev.evertone.sip.transaction.TransactionUser;
import dev.evertone.sip.transport.ListenPoint;
import dev.evertone.sip.transport.Source;
import dev.evertone.sip.transport.TransportConfig;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.Actor;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.jdbc.StoreConfig;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.ForwardRule;
import dev.evertone.store.routing.PhoneNumber;
import dev.evertone.store.routing.Trunk;
import dev.evertone.store.testing.TestClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A proxy on loopback UDP as the server wires it, with a real SQLite store: the registrar that
 * devices register with, the digest gate that challenges callers, the extension directory and the
 * routing table read from the store, a single node. Its own transaction user stands in for the
 * dispatcher: REGISTER to the registrar, everything else to the proxy.
 */
final class ProxyHarness implements AutoCloseable {
  static final String DOMAIN = "example.com";
  static final Actor ACTOR = Actor.local("test");

  final TestClock clock = new TestClock();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final JdbcStore store;
  final RoutingTable routing;

  /** The calls in progress and their records (what a recording names its parties with). */
  final CallRecords records;

  final SipStack stack;
  private final ExecutorService storeExecutor = Executors.newFixedThreadPool(2);

  /** A proxy whose branches ring for Timer C's least, 3 minutes (RFC 3261 16.6 step 11). */
  ProxyHarness(Path dir) throws InterruptedException {
    this(dir, 180_000);
  }

  /**
   * @param timerCMillis how long a branch of an INVITE may ring unanswered
   */
  ProxyHarness(Path dir, long timerCMillis) throws InterruptedException {
    this(dir, timerCMillis, LocalNumbers.NONE);
  }

  /** A proxy whose calls to {@code numbers} evertone answers itself. */
  ProxyHarness(Path dir, LocalNumbers numbers) throws InterruptedException {
    this(dir, 180_000, numbers);
  }

  private ProxyHarness(Path dir, long timerCMillis, LocalNumbers numbers)
      throws InterruptedException {
    store = JdbcStore.open(new StoreConfig(null, dir, null, 4), clock);
    store.provisioning().apply(ChangeSet.builder().addDomain(DOMAIN).build(), ACTOR);
    List<DigestAlgorithm> algorithms = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    RegistrarConfig config = RegistrarConfig.DEFAULT;
    LocationService location = new LocationService(clock, config.maxExpires(), meters);
    CredentialCache credentials =
        new CredentialCache(store.credentials(), storeExecutor, 1000, algorithms, 0, meters);
    DigestGate gate =
        new DigestGate(
            credentials,
            new DigestAuthenticator(
                new NonceService(NonceService.randomSecret(), 300_000, clock), algorithms, clock),
            new AuthGuard(config.perSource(), config.perAccount(), clock),
            clock,
            "test.evertone",
            meters);
    Registrar registrar =
        new Registrar(config, location, gate, Registrar.Durability.NONE, clock, "evertone", meters);
    routing = new RoutingTable(store.routing(), meters);
    routing.reload();
    ProxyServices services =
        new ProxyServices(
            location,
            new ExtensionDirectory(store.provisioning(), storeExecutor, Duration.ofMillis(1), 1000),
            routing,
            Cluster.single(),
            gate,
            new FlowToken(NonceService.randomSecret()),
            meters,
            MediaAnchor.direct(),
            CallRecords.to(
                store.calls(), storeExecutor, MediaAnchor.direct(), meters, clock, 1000));
    records = services.records();
    ProxySettings settings = new ProxySettings(timerCMillis, "evertone");
    TransportConfig transport =
        new TransportConfig(
            List.of(new ListenPoint(TransportType.UDP, "127.0.0.1", 0)),
            ParseLimits.DEFAULT,
            1,
            1 << 20,
            100,
            300,
            "test.evertone");
    stack =
        SipStack.start(
            transport,
            TimerConfig.RFC_3261,
            1 << 20,
            null,
            (transactions, sockets) ->
                new Dispatcher(
                    registrar, new Proxy(services, settings, transactions, sockets, numbers)),
            meters);
  }

  /** What the server's dispatcher does with a request, reduced to what these tests send. */
  private record Dispatcher(Registrar registrar, Proxy proxy) implements TransactionUser {
    @Override
    public void onRequest(ServerTransaction tx, SipRequest request) {
      if (request.isMethod(Method.REGISTER)) {
        registrar.register(tx);
      } else if (request.to().tag() != null) {
        proxy.routeInDialog(tx);
      } else {
        proxy.route(tx);
      }
    }

    @Override
    public void onAckWithoutTransaction(SipRequest ack, Source source) {
      proxy.ack(ack);
    }

    @Override
    public void onCancel(InviteServerTransaction invite, SipRequest cancel) {
      proxy.cancel(invite);
    }
  }

  /** The proxy's UDP address. */
  InetSocketAddress address() {
    return stack.boundAddresses().get(0);
  }

  /**
   * Adds extension {@code extension} whose user has one device per line in {@code lines}; each
   * line's password is {@code "pw-" + line}.
   */
  void addExtension(String extension, String... lines) {
    ChangeSet.Builder b = ChangeSet.builder();
    long user = b.nextRef();
    b.user(new ChangeSet.CreateUser(user, DOMAIN, extension, null));
    for (String line : lines) {
      long device = b.nextRef();
      b.device(new ChangeSet.CreateDevice(device, DOMAIN, null, null, null, user))
          .line(
              new ChangeSet.CreateLine(
                  device,
                  1,
                  DOMAIN,
                  line,
                  new ChangeSet.Plain(password(line)),
                  HistoryEntry.CREATED));
    }
    store.provisioning().apply(b.build(), ACTOR);
  }

  static String password(String line) {
    return "pw-" + line;
  }

  /** Sets a forwarding rule of an extension. */
  void forward(
      String extension, ForwardRule.Kind kind, String target, @Nullable Integer afterSeconds) {
    store
        .routing()
        .putForwardRule(new ForwardRule(DOMAIN, extension, kind, target, afterSeconds), ACTOR);
    routing.reload();
  }

  /** Adds a trunk to a carrier on loopback UDP, without an account there. */
  void addTrunk(String name, int port, int priority, Trunk.NumberFormat format) {
    store
        .routing()
        .putTrunk(
            new Trunk(DOMAIN, name, "127.0.0.1", port, "udp", null, false, priority, format, 0),
            null,
            ACTOR);
    routing.reload();
  }

  /** Gives the domain a dial plan (country code, national and international prefix). */
  void dialPlan(String countryCode, String nationalPrefix, String internationalPrefix) {
    store
        .routing()
        .putDialPlan(new DialPlan(DOMAIN, countryCode, nationalPrefix, internationalPrefix), ACTOR);
    routing.reload();
  }

  /** Gives an extension a number (E.164), which carriers call. */
  void addNumber(String e164, String extension) {
    store.routing().putNumber(new PhoneNumber(e164, DOMAIN, extension), ACTOR);
    routing.reload();
  }

  /** How many requests ended with {@code outcome} ({@code evertone.proxy.requests}). */
  /** How many calls ended with {@code outcome} (evertone.calls). */
  double calls(String outcome) {
    Counter c = meters.find("evertone.calls").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  double outcome(String outcome) {
    Counter c = meters.find("evertone.proxy.requests").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() {
    stack.close();
    storeExecutor.shutdown();
    try {
      storeExecutor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.close();
  }
}
