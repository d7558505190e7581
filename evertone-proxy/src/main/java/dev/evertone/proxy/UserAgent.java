package dev.evertone.proxy;

import dev.evertone.registrar.BindingReach;
import dev.evertone.sdp.SdpException;
import dev.evertone.sdp.SdpParser;
import dev.evertone.sdp.SessionDescription;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.syntax.Hosts;
import dev.evertone.sip.transaction.ClientTransaction;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TimerService;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Source;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uas.UasChecks;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * evertone as a user agent for the numbers it answers itself ({@link LocalNumbers}): the dialogs of
 * its {@link SipLeg}s, found by Call-ID and evertone's own tag. A request inside a dialog whose To
 * tag is one of these is evertone's to answer (RFC 3261 12.2.2), not one to relay: {@link Proxy}
 * asks here before {@link InDialogRouting}, which would refuse it (it carries no Route of ours).
 */
final class UserAgent {
  private static final Logger log = LoggerFactory.getLogger(UserAgent.class);

  private final ProxyStack stack;
  private final LocalNumbers numbers;
  private final SdpParser parser = new SdpParser();
  private final Map<String, SipLeg> legs = new ConcurrentHashMap<>();

  UserAgent(ProxyStack stack, LocalNumbers numbers, MeterRegistry meters) {
    this.stack = stack;
    this.numbers = numbers;
    Gauge.builder("evertone.legs", legs, Map::size)
        .description("Calls evertone answered itself (conference legs), in progress")
        .register(meters);
  }

  ProxyStack stack() {
    return stack;
  }

  /**
   * A request from a device of {@code domain} to {@code user}: when it is an INVITE to a number
   * evertone answers itself, it becomes a leg handed to that number's service.
   *
   * @return whether it was taken (answered or to be answered here)
   */
  boolean offer(ServerTransaction tx, String domain, String user) {
    SipRequest r = tx.request();
    if (!r.isMethod(Method.INVITE)) {
      return false;
    }
    String d = domain.toLowerCase(Locale.ROOT);
    LocalNumbers.LocalService service = numbers.find(d, user);
    if (service == null) {
      return false;
    }
    // 8.2.2: evertone is the UAS now, so Require and the body are its to check
    SipResponse.Builder error = UasChecks.check(r, Set.of(), Set.of("application/sdp"));
    if (error != null) {
      stack.respond(tx, error);
      return true;
    }
    SessionDescription offer = null;
    if (r.bodyLength() > 0) {
      try {
        offer = parser.parse(r.body());
      } catch (SdpException e) {
        stack.respond(
            tx,
            SipResponse.forRequest(r, 488)
                .reason("Not Acceptable Here (SDP not understood: " + e.getMessage() + ")"));
        return true;
      }
    }
    ProxyStack.trying(tx);
    stack.records().started(r, d);
    SipLeg leg = new SipLeg(this, tx, d, user, offer);
    tx.attach(leg);
    legs.put(key(leg.callId(), leg.localTag()), leg);
    try {
      service.offered(leg);
    } catch (RuntimeException e) {
      log.error("call {} to {}@{}: the service failed", leg.callId(), user, d, e);
      leg.reject(StatusCode.SERVER_INTERNAL_ERROR, "Server Internal Error");
    }
    return true;
  }

  /** A request inside one of evertone's own dialogs is answered by its leg; false: not ours. */
  boolean inDialog(ServerTransaction tx) {
    SipLeg leg = find(tx.request());
    if (leg == null) {
      return false;
    }
    leg.inDialog(tx);
    return true;
  }

  /** The ACK of a 2xx of one of evertone's dialogs; false: not ours. */
  boolean ack(SipRequest ack) {
    SipLeg leg = find(ack);
    if (leg == null) {
      return false;
    }
    leg.acknowledged(ack);
    return true;
  }

  /** A CANCEL of an INVITE evertone answers itself; false: a proxied one. */
  boolean cancel(ServerTransaction invite) {
    if (invite.attachment() instanceof SipLeg leg) {
      leg.cancelled();
      return true;
    }
    return false;
  }

  private @Nullable SipLeg find(SipRequest r) {
    String tag = r.to().tag();
    return tag == null ? null : legs.get(key(r.callId(), tag));
  }

  private static String key(String callId, String tag) {
    return callId + '\n' + tag;
  }

  void forget(SipLeg leg) {
    legs.remove(key(leg.callId(), leg.localTag()), leg);
  }

  /** The legs in progress. */
  int size() {
    return legs.size();
  }

  /** A response inside a dialog: its To tag is there already. */
  void respond(ServerTransaction tx, SipResponse.Builder b) {
    b.add(HeaderName.SERVER, stack.settings().serverHeader());
    tx.respond(b.build());
  }

  /**
   * The Contact of evertone in a leg's dialog (12.1.1): the number at the address and port the
   * party reached evertone at, over the same transport.
   */
  SipResponse.Builder contact(SipLeg leg, SipResponse.Builder b) {
    Source s = leg.sourceFlow();
    if (stack.reach(new Destination(s.transport(), s.remote(), s.flow()))
        instanceof BindingReach.Reachable r) {
      b.add(
          HeaderName.CONTACT,
          "<sip:"
              + leg.number()
              + "@"
              + r.sentBy()
              + (s.transport() == TransportType.UDP
                  ? ""
                  : ";transport=" + s.transport().lowerName())
              + ">");
    }
    return b;
  }

  /**
   * evertone's BYE in a leg's dialog (12.2.1.1): to the remote target, through the route set, From
   * and To swapped, the next CSeq.
   */
  SipRequest bye(SipLeg leg, Uri target, long cseq) {
    Destination to = destination(leg);
    String via =
        stack.reach(to) instanceof BindingReach.Reachable r
            ? r.via(to.transport(), TransactionLayer.newBranch())
            : "SIP/2.0/"
                + to.transport().name()
                + " 0.0.0.0;branch="
                + TransactionLayer.newBranch();
    SipRequest.Builder b =
        SipRequest.builder(Method.BYE, target)
            .add(HeaderName.VIA, via)
            .add(HeaderName.MAX_FORWARDS, "70")
            .add(HeaderName.FROM, leg.localAddress() + ";tag=" + leg.localTag())
            .add(HeaderName.TO, leg.remoteAddress())
            .add(HeaderName.CALL_ID, leg.callId())
            .add(HeaderName.CSEQ, cseq + " " + Method.BYE)
            .add(HeaderName.USER_AGENT, stack.settings().serverHeader());
    for (String route : leg.routeSet()) {
      b.add(HeaderName.ROUTE, route);
    }
    return b.build();
  }

  /** Sends a request of a leg's dialog; its response only ends the transaction. */
  void send(SipLeg leg, SipRequest request) {
    Destination to = destination(leg);
    if (!(stack.reach(to) instanceof BindingReach.Reachable r)) {
      log.info("{}: cannot send {} to {}", leg, request.method(), to.address());
      return;
    }
    try {
      stack
          .transactions()
          .send(
              request,
              r.destination(),
              new ClientTransaction.Listener() {
                @Override
                public void onResponse(ClientTransaction tx, SipResponse response) {
                  log.debug("{}: {} answered {}", leg, request.method(), response.status());
                }

                @Override
                public void onTimeout(ClientTransaction tx) {
                  log.info("{}: no answer to evertone's {}", leg, request.method());
                }

                @Override
                public void onTransportError(ClientTransaction tx, Throwable cause) {
                  log.info("{}: {} not sent: {}", leg, request.method(), cause.toString());
                }
              });
    } catch (RuntimeException e) {
      log.warn("{}: {} not sent: {}", leg, request.method(), e.toString());
    }
  }

  /**
   * Where a leg's requests go (12.2.1.1, 8.1.2): the first hop of its route set when there is one
   * (an edge proxy, by its IP address: no DNS on the call path), else back over the flow its INVITE
   * came on, which is how a phone behind NAT is reached (RFC 5626 5.3).
   */
  private static Destination destination(SipLeg leg) {
    Source s = leg.sourceFlow();
    if (!leg.routeSet().isEmpty()) {
      SipUri first = Address.parse(leg.routeSet().get(0)).sipUri();
      InetAddress ip = first == null ? null : literal(first.host());
      if (first != null && ip != null) {
        TransportType t = transportOf(first);
        return Destination.of(
            t, new InetSocketAddress(ip, first.port() > 0 ? first.port() : t.defaultPort()));
      }
    }
    return new Destination(s.transport(), s.remote(), s.flow());
  }

  private static TransportType transportOf(SipUri uri) {
    String t = uri.transport();
    if (t != null) {
      for (TransportType type : TransportType.values()) {
        if (type.lowerName().equalsIgnoreCase(t)) {
          return type;
        }
      }
    }
    return uri.isSecure() ? TransportType.TLS : TransportType.UDP;
  }

  long t1() {
    return stack.transactions().timers().t1();
  }

  long t2() {
    return stack.transactions().timers().t2();
  }

  long now() {
    return stack.transactions().scheduler().now();
  }

  TimerService.Timer schedule(long delayMillis, Runnable task) {
    return stack.transactions().scheduler().schedule(delayMillis, task);
  }

  /** An IP address literal (IPv6 with or without brackets); null for a name, never looked up. */
  static @Nullable InetAddress literal(String text) {
    String host =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!Hosts.isIpv4(host) && !Hosts.isIpv6(host)) {
      return null;
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
