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
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every STUN server browsers and phones are told to use (evertone's own and any configured) at an
 * interval: a Binding request from evertone's own socket, whose answer must name the address that socket really
 * has - the address the kernel sends from for a server on a local network, or for a server across the internet
 * the configured public address ({@code stun.probe.expected-address}), or, without one, the address the other
 * servers agree on. A server that answers anything else, or not at all, is an error in the log with the server and
 * the answer, and a 0 in {@code evertone_stun_probe_ok}: a server returning stale mappings silenced a call
 * center's browser phones for a day, and nothing showed it (seed 004).
 */
public final class StunProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StunProbe.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A server to probe: its name in logs and metrics ({@code host:port}) and its address. */
  public record Target(String name, InetSocketAddress address) {}

  /** The last probe of one server. */
  public record Result(String server, boolean ok, @Nullable String mapped, @Nullable String expected, long latencyMicros,
      @Nullable String problem, Instant at) {}

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
   * @param publicAddress the address clients on the internet should see for evertone (behind 1:1 NAT), or null
   */
  public StunProbe(List<Target> targets, InetSocketAddress bind, @Nullable InetAddress publicAddress, int timeoutMillis, Clock clock,
      MeterRegistry meters) throws IOException {
    this.targets = List.copyOf(targets);
    this.publicAddress = publicAddress;
    this.timeoutMillis = timeoutMillis;
    this.clock = clock;
    this.meters = meters;
    this.socket = new DatagramSocket(bind);
    for (Target t : this.targets) {
      Gauge.builder("evertone.stun.probe.ok", results, r -> r.containsKey(t.name()) && r.get(t.name()).ok() ? 1 : 0).tag("server", t.name())
          .description("1 when the STUN server's last answer named the address evertone really has").register(meters);
      Gauge.builder("evertone.stun.probe.latency", results, r -> r.containsKey(t.name()) ? r.get(t.name()).latencyMicros() / 1e6 : Double.NaN)
          .tag("server", t.name()).baseUnit("seconds").description("Round trip of the last probe").register(meters);
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
        failures.computeIfAbsent(r.server(), s -> Counter.builder("evertone.stun.probe.failures").tag("server", s)
            .description("Probes of a STUN server that failed: no answer, or a wrong address").register(meters)).increment();
        log.error("STUN server {} {}; clients using it cannot set up media correctly", r.server(), r.problem());
      }
    }
  }

  private Result probe(Target t) {
    Instant at = clock.instant();
    byte[] tid = new byte[12];
    RANDOM.nextBytes(tid);
    byte[] request = new StunEncoder(StunAttributes.BINDING, StunMessage.Kind.REQUEST, tid).encode(null, true);
    InetSocketAddress expected = expectedFor(t.address().getAddress());
    long start = System.nanoTime();
    try {
      socket.send(new DatagramPacket(request, request.length, t.address()));
      byte[] buf = new byte[1500];
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (true) {
        int left = (int) (deadline - System.currentTimeMillis());
        if (left <= 0) {
          throw new SocketTimeoutException();
        }
        socket.setSoTimeout(left);
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        StunMessage m;
        try {
          m = StunMessage.parse(buf, p.getLength());
        } catch (StunException e) {
          continue; // not an answer to us
        }
        if (!Arrays.equals(m.transactionId(), tid)) {
          continue; // a late answer to an earlier probe
        }
        long micros = (System.nanoTime() - start) / 1000;
        InetSocketAddress mapped = m.kind() == StunMessage.Kind.SUCCESS ? m.xorAddress(StunAttributes.XOR_MAPPED_ADDRESS) : null;
        if (mapped == null) {
          return new Result(t.name(), false, null, text(expected), micros, "answered without a mapped address (" + m + ")", at);
        }
        boolean ok = expected == null || (mapped.getAddress().equals(expected.getAddress())
            && (expected.getPort() == 0 || mapped.getPort() == expected.getPort()));
        return new Result(t.name(), ok, text(mapped), text(expected), micros,
            ok ? null : "answered mapped address " + text(mapped) + ", expected " + text(expected), at);
      }
    } catch (SocketTimeoutException e) {
      return new Result(t.name(), false, null, text(expected), timeoutMillis * 1000L, "did not answer within " + timeoutMillis + " ms", at);
    } catch (IOException | StunException e) {
      return new Result(t.name(), false, null, text(expected), 0, "cannot be probed: " + e.getMessage(), at);
    }
  }

  /**
   * The address a correct server reports for the probe socket: for a server reached without NAT (loopback, a
   * private network, or when evertone has a public address of its own) the socket's own address and port; across
   * a NAT the configured public address (any port); null when evertone cannot know.
   */
  private @Nullable InetSocketAddress expectedFor(InetAddress server) {
    InetAddress source = sourceFor(server);
    boolean noNat = server.isLoopbackAddress() || server.isSiteLocalAddress() || server.isLinkLocalAddress()
        || (source != null && !source.isSiteLocalAddress() && !source.isLoopbackAddress() && !source.isAnyLocalAddress());
    if (noNat && source != null && (publicAddress == null || server.isLoopbackAddress() || server.isSiteLocalAddress())) {
      return new InetSocketAddress(source, socket.getLocalPort());
    }
    return publicAddress == null ? null : new InetSocketAddress(publicAddress, 0);
  }

  /** The address the kernel sends from towards {@code server} (the socket's own if it is bound to one). */
  private @Nullable InetAddress sourceFor(InetAddress server) {
    if (!socket.getLocalAddress().isAnyLocalAddress()) {
      return socket.getLocalAddress();
    }
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(server, 9);
      return probe.getLocalAddress();
    } catch (IOException e) {
      return null;
    }
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
