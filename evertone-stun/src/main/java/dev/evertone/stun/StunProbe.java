package dev.evertone.stun;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every STUN server browsers and phones are told to use (evertone's own and any configured)
 * at an interval: a Binding request from evertone's own socket, whose answer must name the address
 * that socket really has - the address the kernel sends from for a server on a local network, or
 * for a server across the internet the configured public address ({@code
 * stun.probe.expected-address}), or, without one, the address the other servers agree on. A server
 * that answers anything else, or not at all, is an error in the log with the server and the answer,
 * and a 0 in {@code evertone_stun_probe_ok}: a server returning stale mappings silenced a call
 * center's browser phones for a day, and nothing showed it (seed 004).
 */
public final class StunProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StunProbe.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A server to probe: its name in logs and metrics ({@code host:port}), its address, and for a
   * TURN server the credentials the probe allocates with (null: STUN only).
   */
  public record Target(
      String name,
      InetSocketAddress address,
      @Nullable String turnUser,
      @Nullable String turnPassword) {
    public Target {
      if ((turnUser == null) != (turnPassword == null)) {
        throw new IllegalArgumentException(
            "probe target " + name + ": a TURN user and a TURN password go together");
      }
    }

    public Target(String name, InetSocketAddress address) {
      this(name, address, null, null);
    }
  }

  /** The last probe of one server. */
  public record Result(
      String server,
      boolean ok,
      @Nullable String mapped,
      @Nullable String expected,
      long latencyMicros,
      @Nullable String problem,
      Instant at) {}

  private final List<Target> targets;
  private final @Nullable InetAddress publicAddress;
  private final int timeoutMillis;
  private final Clock clock;
  private final DatagramSocket socket;
  private final Map<String, Result> results = new ConcurrentHashMap<>();
  private final MeterRegistry meters;
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();

  /**
   * @param bind the local address the probe socket binds (evertone's own address; port 0)
   * @param publicAddress the address clients on the internet should see for evertone (behind 1:1
   *     NAT), or null
   */
  public StunProbe(
      List<Target> targets,
      InetSocketAddress bind,
      @Nullable InetAddress publicAddress,
      int timeoutMillis,
      Clock clock,
      MeterRegistry meters)
      throws IOException {
    this.targets = List.copyOf(targets);
    this.publicAddress = publicAddress;
    this.timeoutMillis = timeoutMillis;
    this.clock = clock;
    this.meters = meters;
    this.socket = new DatagramSocket(bind);
    for (Target t : this.targets) {
      Gauge.builder(
              "evertone.stun.probe.ok",
              results,
              r -> r.containsKey(t.name()) && r.get(t.name()).ok() ? 1 : 0)
          .tag("server", t.name())
          .description("1 when the STUN server's last answer named the address evertone really has")
          .register(meters);
      Gauge.builder(
              "evertone.stun.probe.latency",
              results,
              r -> r.containsKey(t.name()) ? r.get(t.name()).latencyMicros() / 1e6 : Double.NaN)
          .tag("server", t.name())
          .baseUnit("seconds")
          .description("Round trip of the last probe")
          .register(meters);
    }
  }

  /** Probes every server once (on a maintenance thread: at most one timeout per server). */
  public synchronized void probeAll() {
    List<Result> round = new ArrayList<>();
    for (Target t : targets) {
      round.add(probe(t));
    }
    for (Result r : round) {
      results.put(r.server(), r);
      if (!r.ok()) {
        failures
            .computeIfAbsent(
                r.server(),
                s ->
                    Counter.builder("evertone.stun.probe.failures")
                        .tag("server", s)
                        .description(
                            "Probes of a STUN server that failed: no answer, or a wrong address")
                        .register(meters))
            .increment();
        log.error(
            "STUN server {} {}; clients using it cannot set up media correctly",
            r.server(),
            r.problem());
      }
    }
  }

  private Result probe(Target t) {
    Instant at = clock.instant();
    byte[] tid = new byte[12];
    RANDOM.nextBytes(tid);
    byte[] request =
        new StunEncoder(StunAttributes.BINDING, StunMessage.Kind.REQUEST, tid).encode(null, true);
    InetSocketAddress expected = expectedFor(t.address().getAddress());
    long start = System.nanoTime();
    try {
      StunMessage m = call(t, request);
      if (m == null) {
        return new Result(
            t.name(),
            false,
            null,
            text(expected),
            timeoutMillis * 1000L,
            "did not answer within " + timeoutMillis + " ms",
            at);
      }
      long micros = (System.nanoTime() - start) / 1000;
      InetSocketAddress mapped =
          m.kind() == StunMessage.Kind.SUCCESS
              ? m.xorAddress(StunAttributes.XOR_MAPPED_ADDRESS)
              : null;
      if (mapped == null) {
        return new Result(
            t.name(),
            false,
            null,
            text(expected),
            micros,
            "answered without a mapped address (" + m + ")",
            at);
      }
      boolean ok =
          expected == null
              || (mapped.getAddress().equals(expected.getAddress())
                  && (expected.getPort() == 0 || mapped.getPort() == expected.getPort()));
      String user = t.turnUser();
      String password = t.turnPassword();
      if (ok && user != null && password != null) {
        String relayProblem = relayToItself(new TurnClient(t, user, password), mapped);
        if (relayProblem != null) {
          return new Result(
              t.name(), false, text(mapped), text(expected), micros, relayProblem, at);
        }
      }
      return new Result(
          t.name(),
          ok,
          text(mapped),
          text(expected),
          micros,
          ok ? null : "answered mapped address " + text(mapped) + ", expected " + text(expected),
          at);
    } catch (IOException | StunException e) {
      return new Result(
          t.name(), false, null, text(expected), 0, "cannot be probed: " + e.getMessage(), at);
    }
  }

  /**
   * The TURN part of a probe: an allocation, a permission for the probe socket's own (mapped)
   * address, a Send indication that the relay must deliver back to this socket, and the allocation
   * released. Null when the packet came back; else what went wrong.
   */
  private @Nullable String relayToItself(TurnClient turn, InetSocketAddress mapped)
      throws IOException, StunException {
    String refused = turn.allocate();
    if (refused != null) {
      return refused;
    }
    InetSocketAddress relay = turn.relayedAddress();
    try {
      return turn.relayBack(mapped, relay);
    } finally {
      turn.release(); // its answer does not matter
    }
  }

  /**
   * The probe's TURN client for one server: its credentials, and the realm and nonce the server
   * gave.
   */
  private final class TurnClient {
    private final Target target;
    private final String user;
    private final String password;
    private String realm = "";
    private String nonce = "";
    private @Nullable StunMessage allocated;

    TurnClient(Target target, String user, String password) {
      this.target = target;
      this.user = user;
      this.password = password;
    }

    /**
     * Allocates, answering the server's challenge once; null when allocated, else what went wrong.
     */
    @Nullable String allocate() throws IOException {
      for (int attempt = 0; attempt < 2 && allocated == null; attempt++) {
        StunEncoder e =
            new StunEncoder(StunAttributes.ALLOCATE, StunMessage.Kind.REQUEST, newTid())
                .add(StunAttributes.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0})
                .add(StunAttributes.LIFETIME, new byte[] {0, 0, 0, 60});
        if (!realm.isEmpty()) {
          e.text(StunAttributes.USERNAME, user)
              .text(StunAttributes.REALM, realm)
              .text(StunAttributes.NONCE, nonce);
        }
        StunMessage answer = call(target, e.encode(realm.isEmpty() ? null : key(), false));
        if (answer == null) {
          return "did not answer the TURN Allocate within " + timeoutMillis + " ms";
        }
        String challengeRealm = answer.text(StunAttributes.REALM);
        String challengeNonce = answer.text(StunAttributes.NONCE);
        if (answer.kind() == StunMessage.Kind.SUCCESS) {
          allocated = answer;
        } else if (attempt == 0 && challengeRealm != null && challengeNonce != null) {
          realm = challengeRealm;
          nonce = challengeNonce;
        } else {
          return "refused the TURN Allocate: " + errorText(answer);
        }
      }
      return allocated == null ? "refused the TURN credentials" : null;
    }

    /** The relayed address of the allocation. */
    @Nullable InetSocketAddress relayedAddress() throws StunException {
      return Objects.requireNonNull(allocated, "allocate() succeeded first")
          .xorAddress(StunAttributes.XOR_RELAYED_ADDRESS);
    }

    /**
     * A permission for {@code mapped} and a Send indication to it, which the relay must deliver
     * back to this socket from {@code relay}; null when it did.
     */
    @Nullable String relayBack(InetSocketAddress mapped, @Nullable InetSocketAddress relay)
        throws IOException {
      StunMessage permitted =
          call(
              target,
              signed(
                  new StunEncoder(
                          StunAttributes.CREATE_PERMISSION, StunMessage.Kind.REQUEST, newTid())
                      .xorAddress(StunAttributes.XOR_PEER_ADDRESS, mapped)));
      if (permitted == null || permitted.kind() != StunMessage.Kind.SUCCESS) {
        return "refused a permission for evertone's own address: "
            + (permitted == null ? "no answer" : errorText(permitted));
      }
      byte[] token = newTid();
      byte[] send =
          new StunEncoder(StunAttributes.SEND, StunMessage.Kind.INDICATION, newTid())
              .xorAddress(StunAttributes.XOR_PEER_ADDRESS, mapped)
              .add(StunAttributes.DATA_ATTRIBUTE, token)
              .encode(null, false);
      socket.send(new DatagramPacket(send, send.length, target.address()));
      if (await(
              p ->
                  p.getSocketAddress().equals(relay)
                          && Arrays.equals(Arrays.copyOf(p.getData(), p.getLength()), token)
                      ? p
                      : null)
          != null) {
        return null;
      }
      return "did not relay a packet from its relayed address "
          + text(relay)
          + " back to evertone within "
          + timeoutMillis
          + " ms";
    }

    /** Releases the allocation (Refresh with lifetime 0). */
    void release() throws IOException {
      byte[] release =
          signed(
              new StunEncoder(StunAttributes.REFRESH, StunMessage.Kind.REQUEST, newTid())
                  .add(StunAttributes.LIFETIME, new byte[4]));
      socket.send(new DatagramPacket(release, release.length, target.address()));
    }

    private byte[] key() {
      return StunIntegrity.longTermKey(user, realm, password);
    }

    /** {@code request} with the credentials, signed. */
    private byte[] signed(StunEncoder request) {
      return request
          .text(StunAttributes.USERNAME, user)
          .text(StunAttributes.REALM, realm)
          .text(StunAttributes.NONCE, nonce)
          .encode(key(), false);
    }
  }

  private static byte[] newTid() {
    byte[] tid = new byte[12];
    RANDOM.nextBytes(tid);
    return tid;
  }

  private static String errorText(StunMessage m) {
    StunMessage.Attribute e = m.attribute(StunAttributes.ERROR_CODE);
    if (e == null || e.value().length < 4) {
      return m.toString();
    }
    return ((e.value()[2] & 0x07) * 100 + (e.value()[3] & 0xff))
        + " "
        + new String(e.value(), 4, e.value().length - 4, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Sends a request and returns the answer with its transaction ID, or null after the timeout. */
  private @Nullable StunMessage call(Target t, byte[] request) throws IOException {
    socket.send(new DatagramPacket(request, request.length, t.address()));
    byte[] tid = Arrays.copyOfRange(request, 8, 20);
    return await(
        p -> {
          try {
            StunMessage m = StunMessage.parse(p.getData(), p.getLength());
            return Arrays.equals(m.transactionId(), tid) ? m : null;
          } catch (StunException e) {
            return null; // not an answer to us
          }
        });
  }

  /**
   * What {@code match} makes of the first datagram on the probe socket it accepts within the
   * timeout, or null; the others (late answers to earlier probes, strangers) are passed over.
   */
  private <T> @Nullable T await(java.util.function.Function<DatagramPacket, @Nullable T> match)
      throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return null;
      }
      socket.setSoTimeout((int) left);
      DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
      try {
        socket.receive(p);
      } catch (SocketTimeoutException e) {
        return null;
      }
      T matched = match.apply(p);
      if (matched != null) {
        return matched;
      }
    }
  }

  /**
   * The address a correct server reports for the probe socket: for a server reached without NAT
   * (loopback, a private network, or when evertone has a public address of its own) the socket's
   * own address and port; across a NAT the configured public address (any port); null when evertone
   * cannot know.
   */
  private @Nullable InetSocketAddress expectedFor(InetAddress server) {
    InetAddress source = sourceFor(server);
    boolean noNat =
        server.isLoopbackAddress()
            || server.isSiteLocalAddress()
            || server.isLinkLocalAddress()
            || (source != null
                && !source.isSiteLocalAddress()
                && !source.isLoopbackAddress()
                && !source.isAnyLocalAddress());
    if (noNat
        && source != null
        && (publicAddress == null || server.isLoopbackAddress() || server.isSiteLocalAddress())) {
      return new InetSocketAddress(source, socket.getLocalPort());
    }
    return publicAddress == null ? null : new InetSocketAddress(publicAddress, 0);
  }

  /**
   * The address the kernel sends from towards {@code server} (the socket's own if it is bound to
   * one).
   */
  private @Nullable InetAddress sourceFor(InetAddress server) {
    return socket.getLocalAddress().isAnyLocalAddress()
        ? LocalAddresses.sourceTowards(server)
        : socket.getLocalAddress();
  }

  private static @Nullable String text(@Nullable InetSocketAddress a) {
    if (a == null) {
      return null;
    }
    String h = a.getAddress().getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + (a.getPort() == 0 ? "" : ":" + a.getPort());
  }

  /** The last result of every server, in the configured order. */
  public List<Result> results() {
    List<Result> out = new ArrayList<>();
    for (Target t : targets) {
      Result r = results.get(t.name());
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public void close() {
    socket.close();
  }
}
