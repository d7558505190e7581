package dev.evertone.registrar;

import dev.evertone.sip.SipSockets;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transaction.ClientTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.Uri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Sends an OPTIONS request to each contact of an address-of-record the way a call to it would
 * travel: over the connection the device registered on for TCP, TLS and WebSocket (RFC 5626 5.3,
 * RFC 7118 5), to the address its REGISTER came from for UDP (RFC 3581), through its Path if it
 * registered through a proxy (RFC 3327). It shows whether a device can be reached now, like
 * Asterisk's qualify or Kamailio's nathelper pings; any final response counts as reachable, as RFC
 * 3261 11 allows a device to answer OPTIONS as it would an INVITE.
 */
public final class ContactPing {
  private final LocationService location;
  private final TransactionLayer transactions;
  private final SipSockets listenAddress;
  private final String userAgent;

  /**
   * @param listenAddress the socket evertone listens on for a transport (null when it does not):
   *     the Via of a request to a UDP binding restored from the store, which has no flow
   */
  public ContactPing(
      LocationService location,
      TransactionLayer transactions,
      SipSockets listenAddress,
      String userAgent) {
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
  public record Result(
      String contact,
      TransportType transport,
      String source,
      @Nullable String userAgent,
      boolean reachable,
      int status,
      String reason,
      long millis) {}

  /**
   * Pings every live contact of {@code aor} (as {@link LocationService} keys it, {@code
   * sip:user@domain}) at once; the future completes when each has answered or {@code timeout} has
   * passed. No contact: an empty list.
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
    String source =
        b.transport().lowerName() + ":" + b.sourceAddress().getHostAddress() + ":" + b.sourcePort();
    CompletableFuture<Result> result = new CompletableFuture<>();
    Function<String, Result> failed =
        why ->
            new Result(
                b.contact(), b.transport(), source, b.userAgent(), false, 0, why, elapsed(start));
    BindingReach found = BindingReach.of(b, listenAddress);
    if (!(found instanceof BindingReach.Reachable reach)) {
      return CompletableFuture.completedFuture(
          failed.apply(((BindingReach.Unreachable) found).why()));
    }
    SipRequest request;
    try {
      request = request(aor, b, reach);
    } catch (SipParseException e) {
      return CompletableFuture.completedFuture(
          failed.apply("its contact is not a URI evertone can send to: " + e.getMessage()));
    }
    Destination to = reach.destination();
    transactions.send(
        request,
        to,
        new ClientTransaction.Listener() {
          @Override
          public void onResponse(ClientTransaction tx, SipResponse response) {
            if (!response.isProvisional()) {
              result.complete(
                  new Result(
                      b.contact(),
                      b.transport(),
                      source,
                      b.userAgent(),
                      true,
                      response.status(),
                      response.reason(),
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
    return result
        .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(
            r -> r != null ? r : failed.apply("no response within " + timeout.toMillis() + " ms"));
  }

  /**
   * RFC 3261 8.1.1: a request outside any dialog, from the domain of the address-of-record to the
   * contact.
   */
  private SipRequest request(String aor, Binding b, BindingReach.Reachable reach) {
    Uri contact = Uri.parse(b.contact());
    String domain = aor.substring(aor.indexOf('@') + 1);
    SipRequest.Builder r =
        SipRequest.builder(Method.OPTIONS, contact)
            .add(HeaderName.VIA, reach.via(b.transport(), TransactionLayer.newBranch()))
            .add(HeaderName.MAX_FORWARDS, "70")
            .add(HeaderName.FROM, "<sip:evertone@" + domain + ">;tag=" + TransactionLayer.newTag())
            .add(HeaderName.TO, "<" + contact + ">")
            .add(
                HeaderName.CALL_ID,
                TransactionLayer.newTag() + TransactionLayer.newTag() + "@" + reach.sentBy())
            .add(HeaderName.CSEQ, "1 " + Method.OPTIONS)
            .add(HeaderName.USER_AGENT, userAgent)
            .add(HeaderName.ACCEPT, "application/sdp");
    if (b.path() != null) {
      r.add(
          HeaderName.ROUTE,
          b.path()); // RFC 3327 5.3: the Path the REGISTER collected becomes the route set
    }
    return r.build();
  }

  private static long elapsed(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
