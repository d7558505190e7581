package dev.evertone.proxy;

import dev.evertone.registrar.DigestGate;
import dev.evertone.registrar.LocationService;
import dev.evertone.sip.SipSockets;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.uri.SipUri;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful proxy of RFC 3261 section 16 between the devices of a domain, and between them and
 * the carriers of its trunks; what the dispatcher calls. A request outside a dialog (INVITE,
 * MESSAGE, SUBSCRIBE, REFER, OPTIONS to a user) passes the checks of 16.3 ({@link EntryChecks}),
 * then comes from a carrier (known by address) or from a device that proves its account with digest
 * authentication (407, RFC 3261 22.3) and may only send as itself; {@link CallRouter} finds its
 * targets - every registered contact of the line or extension it names, its forwarding rules, a
 * number through a trunk - and responses come back as 16.7 says ({@link ResponseContext}). Requests
 * that create a dialog are record-routed so that the requests inside it come through here ({@link
 * InDialogRouting}).
 */
public final class Proxy {
  private static final Logger log = LoggerFactory.getLogger(Proxy.class);

  private final ProxyStack stack;
  private final DigestGate gate;
  private final LocationService location;
  private final RoutingTable routing;
  private final InDialogRouting inDialog;
  private final CallRouter calls;
  private final UserAgent agent;

  /**
   * @param services what the proxy consults, made before the SIP stack
   * @param transactions the transaction layer of the stack that calls this proxy
   * @param sockets the socket the stack listens on for each transport
   */
  public Proxy(
      ProxyServices services,
      ProxySettings settings,
      TransactionLayer transactions,
      SipSockets sockets) {
    this(services, settings, transactions, sockets, LocalNumbers.NONE);
  }

  /**
   * As above, and evertone answers the calls to {@code numbers} itself (conference rooms) instead
   * of routing them.
   */
  public Proxy(
      ProxyServices services,
      ProxySettings settings,
      TransactionLayer transactions,
      SipSockets sockets,
      LocalNumbers numbers) {
    this.stack =
        new ProxyStack(transactions, sockets, settings, services.media(), services.records());
    this.gate = services.gate();
    this.location = services.location();
    this.routing = services.routing();
    ProxyCounters counters = new ProxyCounters(services.meters());
    DialogRoutes routes = new DialogRoutes(services.tokens(), sockets);
    this.inDialog = new InDialogRouting(stack, routes, services.cluster(), counters);
    this.agent = new UserAgent(stack, numbers, services.meters());
    this.calls = new CallRouter(services, stack, routes, counters, agent);
  }

  /**
   * Routes one request outside a dialog (16.3 to 16.6); the answer may be sent later, from another
   * thread.
   */
  public void route(ServerTransaction tx) {
    SipRequest request = tx.request();
    try {
      if (!EntryChecks.hopsLeft(stack, tx)
          || !EntryChecks.nothingRequired(stack, tx)
          || inDialog.relayForNode(tx)) {
        return;
      }
      RoutingTable.Route carrier = routing.trunkAt(tx.source());
      if (carrier != null) {
        calls.trunks().fromCarrier(tx, carrier);
        return;
      }
      if (!(request.from().uri() instanceof SipUri from) || from.user() == null) {
        stack.respond(
            tx, gate.reject(request, "From must be a SIP URI naming the sender's account"));
        return;
      }
      authenticate(tx, from);
    } catch (SipParseException e) {
      stack.respond(tx, gate.reject(request, e.reason()));
    }
  }

  /** RFC 3261 22.3: the sender proves the account its From names; then its request is routed. */
  private void authenticate(ServerTransaction tx, SipUri from) {
    SipRequest request = tx.request();
    String realm = from.host().toLowerCase(Locale.ROOT);
    gate.check(
        request,
        tx.source(),
        realm,
        DigestGate.Kind.PROXY,
        // a phone registered from this address may call even while guessing blocks its account
        user ->
            user.equals(from.userUnescaped())
                && location.hasBindingFrom(from.aorKey(), tx.source().remote().getAddress()),
        new DigestGate.Listener() {
          @Override
          public void authenticated(String username) {
            // the sender may only speak as itself: an authenticated account cannot put another in
            // From
            if (!username.equals(from.userUnescaped())) {
              log.warn(
                  "{}@{} from {} sent a {} as {}",
                  username,
                  realm,
                  tx.source(),
                  request.method(),
                  from.aorKey());
              stack.respond(
                  tx,
                  SipResponse.forRequest(request, StatusCode.FORBIDDEN)
                      .reason("Forbidden (From is not your account)"));
              return;
            }
            calls.fromDevice(tx, username, realm);
          }

          @Override
          public void refused(SipResponse.Builder response, DigestGate.Refusal why) {
            if (why == DigestGate.Refusal.CHALLENGED || why == DigestGate.Refusal.STALE) {
              // a challenge is stateless, as Kamailio's and OpenSIPS's are: no retransmissions for
              // a caller whose ACK does not match (SIPp's proxy scenario changes the branch), a new
              // challenge if it was lost
              response
                  .withToTag(TransactionLayer.newTag())
                  .add(HeaderName.SERVER, stack.settings().serverHeader());
              tx.respondStatelessly(response.build());
            } else {
              stack.respond(tx, response);
            }
          }
        });
  }

  /**
   * Routes a request inside a dialog this proxy record-routed (16.4, 16.6); a request inside a
   * dialog that is not ours is refused.
   */
  public void routeInDialog(ServerTransaction tx) {
    // evertone's own dialogs first (its To tag): they carry no Route of the proxy's
    if (agent.inDialog(tx)) {
      return;
    }
    inDialog.route(tx);
  }

  /**
   * An ACK that matched no transaction: the ACK of a 2xx, which follows the dialog's route (RFC
   * 3261 13.2.2.4).
   */
  public void ack(SipRequest ack) {
    if (agent.ack(ack)) {
      return;
    }
    inDialog.ack(ack);
  }

  /**
   * The caller cancelled its INVITE (16.10): the transaction layer answered the CANCEL; the
   * branches are cancelled.
   */
  public void cancel(ServerTransaction invite) {
    if (agent.cancel(invite)) {
      return;
    }
    if (invite.attachment() instanceof ResponseContext responses) {
      responses.cancel();
    } else {
      // not forwarded yet (the extension's lines are still being read): it ends here
      stack.respond(invite, StatusCode.REQUEST_TERMINATED);
    }
  }
}
