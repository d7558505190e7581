package dev.evertone.dispatch;

import dev.evertone.proxy.Proxy;
import dev.evertone.registrar.Registrar;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transaction.InviteServerTransaction;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transaction.TransactionUser;
import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.Source;
import dev.evertone.sip.uas.UasChecks;
import dev.evertone.sip.uri.SipUri;
import java.util.Set;

/**
 * What evertone does with each request it receives, by method: REGISTER goes to the registrar;
 * requests to a user (INVITE, MESSAGE, SUBSCRIBE, REFER, OPTIONS naming a user) and every request
 * inside a dialog go to the proxy; OPTIONS to the server itself is answered (phones and load
 * balancers use it as a ping); other methods are refused with 405 if known and 501 if not (RFC 3261
 * 8.2.1). The answer never depends on whether a user exists.
 */
public final class SipDispatcher implements TransactionUser {
  /** Methods this server accepts; ACK and CANCEL are handled by the transaction layer. */
  static final String ALLOW =
      "ACK, BYE, CANCEL, INFO, INVITE, MESSAGE, NOTIFY, OPTIONS, PRACK, REFER, REGISTER, SUBSCRIBE, UPDATE";

  private static final Set<String> SUPPORTED = Set.of("path");

  /** Requests that start something with a user outside a dialog. */
  private static final Set<String> TO_A_USER =
      Set.of(Method.INVITE, Method.MESSAGE, Method.SUBSCRIBE, Method.REFER);

  /**
   * Requests that exist only inside a dialog (RFC 3261 15, RFC 6086, RFC 3311, RFC 3262, RFC 6665).
   */
  private static final Set<String> IN_DIALOG_ONLY =
      Set.of(Method.BYE, Method.INFO, Method.UPDATE, Method.PRACK, Method.NOTIFY);

  private final Registrar registrar;
  private final Proxy proxy;
  private final String serverHeader;

  /**
   * Made by the SIP stack's user factory: the proxy sends through the same transaction layer that
   * calls this.
   */
  public SipDispatcher(Registrar registrar, Proxy proxy, String serverHeader) {
    this.registrar = registrar;
    this.proxy = proxy;
    this.serverHeader = serverHeader;
  }

  @Override
  public void onRequest(ServerTransaction tx, SipRequest request) {
    String method = request.method();
    if (method.equals(Method.REGISTER)) {
      registrar.register(tx);
      return;
    }
    if (request.to().tag() != null) {
      proxied(tx, true);
    } else if (TO_A_USER.contains(method) || (method.equals(Method.OPTIONS) && hasUser(request))) {
      // Require is for the device that receives it (16.3 step 5 checks only Proxy-Require)
      proxied(tx, false);
    } else if (method.equals(Method.OPTIONS)) {
      options(tx, request);
    } else if (IN_DIALOG_ONLY.contains(method)) {
      respond(tx, SipResponse.forRequest(request, StatusCode.CALL_DOES_NOT_EXIST));
    } else {
      respond(
          tx,
          SipResponse.forRequest(
                  request,
                  Method.isKnown(method)
                      ? StatusCode.METHOD_NOT_ALLOWED
                      : StatusCode.NOT_IMPLEMENTED)
              .add(HeaderName.ALLOW, ALLOW));
    }
  }

  private static boolean hasUser(SipRequest request) {
    return request.requestUri() instanceof SipUri u && u.user() != null;
  }

  private void proxied(ServerTransaction tx, boolean inDialog) {
    if (inDialog) {
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

  @Override
  public void onFlowClosed(Flow flow) {
    registrar.flowClosed(flow);
  }

  /** RFC 3261 11.2: the capabilities of this server. */
  private void options(ServerTransaction tx, SipRequest request) {
    SipResponse.Builder error = UasChecks.check(request, SUPPORTED, Set.of());
    if (error != null) {
      respond(tx, error);
      return;
    }
    respond(
        tx,
        SipResponse.forRequest(request, StatusCode.OK)
            .add(HeaderName.ALLOW, ALLOW)
            .add(HeaderName.ACCEPT, "application/sdp")
            .add(HeaderName.SUPPORTED, String.join(", ", SUPPORTED)));
  }

  private void respond(ServerTransaction tx, SipResponse.Builder b) {
    b.withToTag(TransactionLayer.newTag());
    b.add(HeaderName.SERVER, serverHeader);
    tx.respond(b.build());
  }
}
