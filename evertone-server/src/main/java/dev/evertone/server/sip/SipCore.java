package dev.evertone.server.sip;

import dev.evertone.proxy.Proxy;
import dev.evertone.registrar.Registrar;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transaction.TransactionUser;
import dev.evertone.sip.uas.UasChecks;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What evertone does with each request it receives, by method: REGISTER goes to the registrar, MESSAGE to
 * the proxy, OPTIONS is answered (phones and load balancers use it as a ping), other methods it knows are refused with 405 and
 * the ones it does not with 501 (RFC 3261 8.2.1). The answer never depends on whether a user exists.
 */
public final class SipCore implements TransactionUser {
  /** Methods this server accepts; ACK and CANCEL are handled by the transaction layer. */
  static final String ALLOW = "ACK, CANCEL, MESSAGE, OPTIONS, REGISTER";
  private static final Set<String> SUPPORTED = Set.of("path");

  private final Registrar registrar;
  private final String serverHeader;
  private volatile @Nullable Proxy proxy;

  public SipCore(Registrar registrar, String serverHeader) {
    this.registrar = registrar;
    this.serverHeader = serverHeader;
  }

  /** The proxy needs the transaction layer, which needs this: set once the SIP stack runs. */
  public void proxy(Proxy p) {
    this.proxy = p;
  }

  @Override
  public void onRequest(ServerTransaction tx, SipRequest request) {
    switch (request.method()) {
      case Method.REGISTER -> registrar.register(tx);
      case Method.OPTIONS -> options(tx, request);
      case Method.MESSAGE -> message(tx, request);
      default -> respond(tx, SipResponse.forRequest(request,
          Method.isKnown(request.method()) ? StatusCode.METHOD_NOT_ALLOWED : StatusCode.NOT_IMPLEMENTED).add(HeaderName.ALLOW, ALLOW));
    }
  }

  /** RFC 3428: text to another device, through the proxy. */
  private void message(ServerTransaction tx, SipRequest request) {
    Proxy p = proxy;
    if (p == null) {
      respond(tx, SipResponse.forRequest(request, StatusCode.SERVICE_UNAVAILABLE).add(HeaderName.RETRY_AFTER, "1"));
      return;
    }
    p.route(tx); // Require is for the device that receives it (RFC 3261 16.3 step 5 checks only Proxy-Require)
  }

  /** RFC 3261 11.2: the capabilities of this server. */
  private void options(ServerTransaction tx, SipRequest request) {
    SipResponse.Builder error = UasChecks.check(request, SUPPORTED, Set.of());
    if (error != null) {
      respond(tx, error);
      return;
    }
    respond(tx, SipResponse.forRequest(request, StatusCode.OK)
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
