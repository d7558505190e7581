package dev.evertone.registrar;

import dev.evertone.sip.SipStack;
import dev.evertone.sip.auth.DigestAlgorithm;
import dev.evertone.sip.auth.DigestAuthenticator;
import dev.evertone.sip.auth.NonceService;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TimerConfig;
import dev.evertone.sip.transaction.TransactionUser;
import dev.evertone.sip.transport.ListenPoint;
import dev.evertone.sip.transport.TransportConfig;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.store.Actor;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.jdbc.StoreConfig;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A registrar on loopback UDP and TCP with a real SQLite store and a hand-moved clock. */
final class RegistrarHarness implements AutoCloseable {
  static final Actor ACTOR = Actor.local("test");
  final TestClock clock = new TestClock();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final JdbcStore store;
  final LocationService location;
  final CredentialCache cache;
  final ChangeWatcher watcher;
  final Registrar registrar;
  final SipStack stack;
  private final ExecutorService storeExecutor = Executors.newFixedThreadPool(2);

  RegistrarHarness(Path dir, RegistrarConfig config) throws Exception {
    this(dir, config, 0);
  }

  /**
   * @param graceMillis how long a line's previous secret stays accepted after a change
   */
  RegistrarHarness(Path dir, RegistrarConfig config, long graceMillis) throws Exception {
    store = JdbcStore.open(new StoreConfig(null, dir, null, 4), clock);
    store.provisioning().apply(ChangeSet.builder().addDomain("example.com").build(), ACTOR);
    List<DigestAlgorithm> algorithms = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    location = new LocationService(clock, config.maxExpires(), meters);
    cache =
        new CredentialCache(
            store.credentials(), storeExecutor, 10_000, algorithms, graceMillis, meters);
    watcher = new ChangeWatcher(store.changes()).listen(cache::changed);
    DigestAuthenticator authenticator =
        new DigestAuthenticator(
            new NonceService(NonceService.randomSecret(), 300_000, clock), algorithms, clock);
    AuthGuard guard = new AuthGuard(config.perSource(), config.perAccount(), clock);
    registrar =
        new Registrar(
            config,
            location,
            new DigestGate(cache, authenticator, guard, clock, "test.evertone", meters),
            Registrar.Durability.NONE,
            clock,
            "evertone",
            meters);
    TransactionUser user =
        new TransactionUser() {
          @Override
          public void onRequest(ServerTransaction tx, SipRequest request) {
            if (request.isMethod("REGISTER")) {
              registrar.register(tx);
            } else {
              tx.respond(SipResponse.forRequest(request, 405).build());
            }
          }

          @Override
          public void onFlowClosed(dev.evertone.sip.transport.Flow flow) {
            registrar.flowClosed(flow);
          }
        };
    TransportConfig transport =
        new TransportConfig(
            List.of(
                new ListenPoint(TransportType.UDP, "0.0.0.0", 0),
                new ListenPoint(TransportType.TCP, "0.0.0.0", 0)),
            ParseLimits.DEFAULT,
            2,
            1 << 20,
            1000,
            300,
            "test.evertone");
    stack = SipStack.start(transport, TimerConfig.RFC_3261, user, meters);
  }

  InetSocketAddress udp() {
    return new InetSocketAddress(
        InetAddress.getLoopbackAddress(), stack.boundAddresses().get(0).getPort());
  }

  InetSocketAddress tcp() {
    return new InetSocketAddress(
        InetAddress.getLoopbackAddress(), stack.boundAddresses().get(1).getPort());
  }

  /** Adds a softphone with one line, {@code user@example.com}. */
  void addDevice(String user, String password) {
    ChangeSet.Builder b = ChangeSet.builder();
    long device = b.nextRef();
    store
        .provisioning()
        .apply(
            b.device(new ChangeSet.CreateDevice(device, "example.com", null, null, null, null))
                .line(
                    new ChangeSet.CreateLine(
                        device,
                        1,
                        "example.com",
                        user,
                        new ChangeSet.Plain(password),
                        HistoryEntry.CREATED))
                .build(),
            ACTOR);
  }

  /** Gives line {@code user@example.com} a new secret. */
  void setSecret(String user, String password) {
    Line line =
        store.provisioning().load(Set.of("example.com")).lines().stream()
            .filter(l -> l.authUser().equals(user))
            .findFirst()
            .orElseThrow();
    store
        .provisioning()
        .apply(
            ChangeSet.builder()
                .line(
                    new ChangeSet.UpdateLine(
                        line.id(),
                        line.revision(),
                        line.key(),
                        line.deviceId(),
                        line.lineNo(),
                        new ChangeSet.Plain(password),
                        HistoryEntry.CHANGED))
                .build(),
            ACTOR);
  }

  double outcome(String tag) {
    var c = meters.find("evertone.registrar.requests").tag("outcome", tag).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() {
    // finish in-flight credential lookups (and their answers) before the transport goes away
    storeExecutor.shutdown();
    try {
      storeExecutor.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stack.close();
    store.close();
  }
}
