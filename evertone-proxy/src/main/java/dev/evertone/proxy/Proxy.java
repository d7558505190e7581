package dev.evertone.proxy;

import dev.evertone.registrar.Binding;
import dev.evertone.registrar.BindingReach;
import dev.evertone.registrar.DigestGate;
import dev.evertone.registrar.LocationService;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.header.Via;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transaction.ClientTransaction;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful proxy of RFC 3261 section 16 between the devices of a domain. Today it routes requests
 * outside a dialog that create none, MESSAGE above all (RFC 3428, text between phones and browsers): the
 * sender proves its account with digest authentication (407, RFC 3261 22.3) and may only send as itself;
 * the request goes to every registered contact of the target - the line the user part names and the lines
 * of the devices of the extension it names - (parallel forking, 16.6), each over the flow it registered on;
 * the best final response comes back (16.7). No contact: 480.
 */
public final class Proxy {
  private static final Logger log = LoggerFactory.getLogger(Proxy.class);

  private final LocationService location;
  private final ExtensionDirectory extensions;
  private final DigestGate gate;
  private final TransactionLayer transactions;
  private final Function<TransportType, @Nullable InetSocketAddress> listenAddress;
  private final String serverHeader;
  private final Counter forwarded;
  private final Counter unavailable;

  public Proxy(LocationService location, ExtensionDirectory extensions, DigestGate gate, TransactionLayer transactions,
      Function<TransportType, @Nullable InetSocketAddress> listenAddress, String serverHeader, MeterRegistry meters) {
    this.location = location;
    this.extensions = extensions;
    this.gate = gate;
    this.transactions = transactions;
    this.listenAddress = listenAddress;
    this.serverHeader = serverHeader;
    this.forwarded = requests("forwarded", meters);
    this.unavailable = requests("unavailable", meters);
  }

  private static Counter requests(String outcome, MeterRegistry meters) {
    return Counter.builder("evertone.proxy.requests").tag("outcome", outcome).description("requests the proxy handled, by outcome")
        .register(meters);
  }

  /** Routes one request (16.3 to 16.6); the answer may be sent later, from another thread. */
  public void route(ServerTransaction tx) {
    SipRequest request = tx.request();
    try {
      // 16.3 step 3: a request that has travelled too far ends here
      if (request.maxForwards() == 0) {
        respond(tx, SipResponse.forRequest(request, StatusCode.TOO_MANY_HOPS));
        return;
      }
      // 16.3 step 5: this proxy supports no extension a request could require of it
      String proxyRequire = request.header(HeaderName.PROXY_REQUIRE);
      if (proxyRequire != null) {
        respond(tx, SipResponse.forRequest(request, StatusCode.BAD_EXTENSION).add(HeaderName.UNSUPPORTED, proxyRequire.strip()));
        return;
      }
      if (!(request.from().uri() instanceof SipUri from) || from.user() == null) {
        respond(tx, gate.reject(request, "From must be a SIP URI naming the sender's account"));
        return;
      }
      String realm = from.host().toLowerCase(Locale.ROOT);
      gate.check(request, tx.source(), realm, DigestGate.Kind.PROXY, user -> false, new DigestGate.Listener() {
        @Override
        public void authenticated(String username) {
          // the sender may only speak as itself: an authenticated account cannot put another in From
          if (!username.equals(from.userUnescaped())) {
            log.warn("{}@{} from {} sent a {} as {}", username, realm, tx.source(), request.method(), from.aorKey());
            respond(tx, SipResponse.forRequest(request, StatusCode.FORBIDDEN).reason("Forbidden (From is not your account)"));
            return;
          }
          forward(tx, request, realm);
        }

        @Override
        public void refused(SipResponse.Builder response, DigestGate.Refusal why) {
          respond(tx, response);
        }
      });
    } catch (SipParseException e) {
      respond(tx, gate.reject(request, e.reason()));
    }
  }

  private void forward(ServerTransaction tx, SipRequest request, String realm) {
    Uri target = request.requestUri();
    // a domain's devices reach the devices of the same domain; other domains and the outside world come with trunks
    if (!(target instanceof SipUri uri) || uri.user() == null || !uri.host().equalsIgnoreCase(realm)) {
      respond(tx, SipResponse.forRequest(request, StatusCode.FORBIDDEN).reason("Forbidden (only users of " + realm + " can be reached)"));
      return;
    }
    String user = uri.userUnescaped();
    extensions.authUsers(realm, user).whenComplete((lines, failure) -> {
      if (failure != null) {
        log.error("cannot read the lines of extension {}@{}; routing to the line of that name only: {}", user, realm, failure.toString());
      }
      try {
        fork(tx, request, uri, realm, failure == null ? lines : List.of());
      } catch (RuntimeException e) {
        log.error("{} to {} failed", request.method(), uri, e);
        respond(tx, SipResponse.forRequest(request, StatusCode.SERVER_INTERNAL_ERROR));
      }
    });
  }

  /**
   * 16.5: the targets are the contacts of the line the user part names, and of the lines on the devices of
   * the extension it names (a user's desk phone and softphone ring together).
   */
  private void fork(ServerTransaction tx, SipRequest request, SipUri uri, String realm, List<String> lines) {
    Set<String> aors = new LinkedHashSet<>();
    aors.add(uri.aorKey());
    for (String line : lines) {
      aors.add(SipUri.of(line, realm).aorKey());
    }
    List<Binding> bindings = new ArrayList<>();
    for (String aor : aors) {
      bindings.addAll(location.lookup(aor));
    }
    List<Branch> branches = new ArrayList<>();
    ResponseContext context = new ResponseContext(tx);
    for (Binding b : bindings) {
      BindingReach reach = BindingReach.of(b, listenAddress);
      if (reach.destination() != null) {
        try {
          branches.add(new Branch(b, reach, copyFor(request, b, reach)));
        } catch (SipParseException e) {
          log.debug("contact {} cannot be a Request-URI: {}", b.contact(), e.reason());
        }
      }
    }
    if (branches.isEmpty()) {
      unavailable.increment();
      respond(tx, SipResponse.forRequest(request, StatusCode.TEMPORARILY_UNAVAILABLE));
      return;
    }
    forwarded.increment();
    context.expect(branches.size());
    for (Branch branch : branches) {
      try {
        transactions.send(branch.request(), branch.reach().destination(), context);
      } catch (RuntimeException e) {
        log.warn("cannot forward a {} to {}: {}", request.method(), branch.binding().contact(), e.toString());
        context.failed(StatusCode.SERVICE_UNAVAILABLE);
      }
    }
  }

  /** 16.6: the request for one target: its contact as Request-URI, one hop less, our Via on top, its Path as route. */
  private static SipRequest copyFor(SipRequest request, Binding b, BindingReach reach) {
    SipRequest.Builder r = request.toBuilder()
        .requestUri(Uri.parse(b.contact()))
        .set(HeaderName.MAX_FORWARDS, Integer.toString(request.maxForwards() < 0 ? 69 : request.maxForwards() - 1))
        .prepend(HeaderName.VIA, reach.via(b.transport(), TransactionLayer.newBranch()))
        // RFC 3261 22.3: the credentials were for this proxy, not for the device
        .remove(HeaderName.PROXY_AUTHORIZATION)
        // 16.4: the sender's route set names this proxy (its outbound proxy); evertone delivers to the registered
        // contact itself and follows no other route a sender writes, so that it relays nothing elsewhere
        .remove(HeaderName.ROUTE);
    if (b.path() != null) {
      r.prepend(HeaderName.ROUTE, b.path()); // RFC 3327 5.3
    }
    return r.build();
  }

  private void respond(ServerTransaction tx, SipResponse.Builder b) {
    b.withToTag(TransactionLayer.newTag());
    b.add(HeaderName.SERVER, serverHeader);
    tx.respond(b.build());
  }

  private record Branch(Binding binding, BindingReach reach, SipRequest request) {}

  /**
   * 16.7: collects the branches' final responses. A 2xx goes back at once; otherwise, when every branch has
   * answered (or failed), the best: a 6xx if any, else the lowest class, 408 when none answered.
   */
  private final class ResponseContext implements ClientTransaction.Listener {
    private final ServerTransaction server;
    private int pending;
    private boolean answered;
    private @Nullable SipResponse best;

    ResponseContext(ServerTransaction server) {
      this.server = server;
    }

    synchronized void expect(int branches) {
      pending = branches;
    }

    @Override
    public void onResponse(ClientTransaction tx, SipResponse response) {
      if (response.isProvisional()) {
        return; // a non-INVITE request's provisional responses are not forwarded (16.7 step 5 allows it)
      }
      SipResponse send = null;
      synchronized (this) {
        pending--;
        if (answered) {
          return;
        }
        if (response.status() / 100 == 2) {
          answered = true;
          send = response;
        } else {
          if (best == null || better(response, best)) {
            best = response;
          }
          if (pending == 0) {
            answered = true;
            send = best;
          }
        }
      }
      if (send != null) {
        server.respond(withoutTopVia(send));
      }
    }

    @Override
    public void onTimeout(ClientTransaction tx) {
      failed(StatusCode.REQUEST_TIMEOUT);
    }

    @Override
    public void onTransportError(ClientTransaction tx, Throwable cause) {
      failed(StatusCode.SERVICE_UNAVAILABLE); // 16.9
    }

    void failed(int status) {
      SipResponse send = null;
      boolean synthesize = false;
      synchronized (this) {
        pending--;
        if (answered || pending > 0) {
          return;
        }
        answered = true;
        if (best != null) {
          send = best;
        } else {
          synthesize = true;
        }
      }
      if (synthesize) {
        respond(server, SipResponse.forRequest(server.request(), status));
      } else {
        server.respond(withoutTopVia(send));
      }
    }
  }

  /** 16.7 step 6: a 6xx before anything else, otherwise the lowest class. */
  private static boolean better(SipResponse candidate, SipResponse current) {
    int c = candidate.status() / 100;
    int b = current.status() / 100;
    if (b == 6) {
      return false;
    }
    return c == 6 || c < b;
  }

  /** 16.7 step 9: the response without the Via this proxy added. */
  static SipResponse withoutTopVia(SipResponse response) {
    List<String> vias = new ArrayList<>();
    for (HeaderField f : response.headers()) {
      if (f.name().equals(HeaderName.VIA)) {
        for (Via v : Via.parseList(f.value())) {
          StringBuilder out = new StringBuilder();
          v.appendTo(out);
          vias.add(out.toString());
        }
      }
    }
    SipResponse.Builder b = response.toBuilder().remove(HeaderName.VIA);
    for (int i = 1; i < vias.size(); i++) {
      b.add(HeaderName.VIA, vias.get(i));
    }
    return b.build();
  }
}
