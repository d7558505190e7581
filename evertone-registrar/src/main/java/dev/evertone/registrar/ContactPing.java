package dev.evertone.registrar;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transaction.ClientTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.Uri;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Sends an OPTIONS request to each contact of an address-of-record the way a call to it would travel: over
 * the connection the device registered on for TCP, TLS and WebSocket (RFC 5626 5.3, RFC 7118 5), to the
 * address its REGISTER came from for UDP (RFC 3581), through its Path if it registered through a proxy (RFC
 * 3327). It shows whether a device can be reached now, like Asterisk's qualify or Kamailio's nathelper
 * pings; any final response counts as reachable, as RFC 3261 11 allows a device to answer OPTIONS as it
 * would an INVITE.
 */
public final class ContactPing {
  private final LocationService location;
  private final TransactionLayer transactions;
  private final Function<TransportType, @Nullable InetSocketAddress> listenAddress;
  private final String userAgent;

  /**
   * @param listenAddress the socket evertone listens on for a transport (null when it does not): the Via of
   *     a request to a UDP binding restored from the store, which has no flow
   */
  public ContactPing(LocationService location, TransactionLayer transactions,
      Function<TransportType, @Nullable InetSocketAddress> listenAddress, String userAgent) {
    this.location = location;
    this.transactions = transactions;
    this.listenAddress = listenAddress;
    this.userAgent = userAgent;
  }

  /**
   * What one contact answered.
   *
   * @param status the final response's status code, or 0 when there was none
   * @param reason its reason phrase, or why there was no response
   * @param millis from sending to the final response or the failure
   */
  public record Result(String contact, TransportType transport, String source, @Nullable String userAgent, boolean reachable,
      int status, String reason, long millis) {}

  /**
   * Pings every live contact of {@code aor} (as {@link LocationService} keys it, {@code sip:user@domain}) at
   * once; the future completes when each has answered or {@code timeout} has passed. No contact: an empty list.
   */
  public CompletableFuture<List<Result>> ping(String aor, Duration timeout) {
    List<CompletableFuture<Result>> pending = new ArrayList<>();
    for (Binding b : location.lookup(aor)) {
      pending.add(ping(aor, b, timeout));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .thenApply(done -> pending.stream().map(CompletableFuture::join).toList());
  }

  private CompletableFuture<Result> ping(String aor, Binding b, Duration timeout) {
    long start = System.nanoTime();
    String source = b.transport().lowerName() + ":" + b.sourceAddress().getHostAddress() + ":" + b.sourcePort();
    CompletableFuture<Result> result = new CompletableFuture<>();
    Function<String, Result> failed = why -> new Result(b.contact(), b.transport(), source, b.userAgent(), false, 0, why, elapsed(start));
    Flow flow = b.flow();
    if (b.transport().isReliable() && (flow == null || !flow.isOpen())) {
      // RFC 5626 5.3: a device behind a connection can only be reached over it; it will reconnect and register again
      return CompletableFuture.completedFuture(failed.apply("its " + b.transport().lowerName() + " connection is closed"));
    }
    // a UDP binding read back from the store after a restart has no flow: any UDP socket of ours will do
    InetSocketAddress socket = flow != null ? flow.localAddress() : listenAddress.apply(b.transport());
    if (socket == null) {
      return CompletableFuture.completedFuture(failed.apply("evertone does not listen on " + b.transport().lowerName()));
    }
    InetSocketAddress local = sentBy(socket, b.sourceAddress());
    SipRequest request;
    try {
      request = request(aor, b, local);
    } catch (SipParseException e) {
      return CompletableFuture.completedFuture(failed.apply("its contact is not a URI evertone can send to: " + e.getMessage()));
    }
    Destination to = new Destination(b.transport(), new InetSocketAddress(b.sourceAddress(), b.sourcePort()), flow);
    transactions.send(request, to, new ClientTransaction.Listener() {
      @Override
      public void onResponse(ClientTransaction tx, SipResponse response) {
        if (!response.isProvisional()) {
          result.complete(new Result(b.contact(), b.transport(), source, b.userAgent(), true, response.status(), response.reason(),
              elapsed(start)));
        }
      }

      @Override
      public void onTimeout(ClientTransaction tx) {
        result.complete(failed.apply("no response (RFC 3261 Timer F)"));
      }

      @Override
      public void onTransportError(ClientTransaction tx, Throwable cause) {
        result.complete(failed.apply("could not send: " + cause.getMessage()));
      }
    });
    return result.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(r -> r != null ? r : failed.apply("no response within " + timeout.toMillis() + " ms"));
  }

  /** RFC 3261 8.1.1: a request outside any dialog, from the domain of the address-of-record to the contact. */
  private SipRequest request(String aor, Binding b, InetSocketAddress local) {
    Uri contact = Uri.parse(b.contact());
    String domain = aor.substring(aor.indexOf('@') + 1);
    SipRequest.Builder r = SipRequest.builder(Method.OPTIONS, contact)
        .add(HeaderName.VIA, "SIP/2.0/" + b.transport().name() + " " + hostPort(local) + ";branch=" + TransactionLayer.newBranch() + ";rport")
        .add(HeaderName.MAX_FORWARDS, "70")
        .add(HeaderName.FROM, "<sip:evertone@" + domain + ">;tag=" + TransactionLayer.newTag())
        .add(HeaderName.TO, "<" + contact + ">")
        .add(HeaderName.CALL_ID, TransactionLayer.newTag() + TransactionLayer.newTag() + "@" + hostPort(local))
        .add(HeaderName.CSEQ, "1 " + Method.OPTIONS)
        .add(HeaderName.USER_AGENT, userAgent)
        .add(HeaderName.ACCEPT, "application/sdp");
    if (b.path() != null) {
      r.add(HeaderName.ROUTE, b.path()); // RFC 3327 5.3: the Path the REGISTER collected becomes the route set
    }
    return r.build();
  }

  /**
   * The address to put in Via: the socket's own, or for a socket bound to every address (0.0.0.0) the one
   * the kernel would send from to reach {@code peer} (connecting a UDP socket sends nothing).
   */
  private static InetSocketAddress sentBy(InetSocketAddress local, InetAddress peer) {
    if (!local.getAddress().isAnyLocalAddress()) {
      return local;
    }
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(peer, 9);
      return new InetSocketAddress(probe.getLocalAddress(), local.getPort());
    } catch (SocketException e) {
      return local;
    }
  }

  private static String hostPort(InetSocketAddress a) {
    InetAddress ip = a.getAddress();
    String host = ip == null ? a.getHostString() : ip.getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static long elapsed(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
