package dev.evertone.server.sip;

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

/**
 * What evertone does with each request it receives, by method: REGISTER goes to the registrar, OPTIONS is
 * answered (phones and load balancers use it as a ping), other methods it knows are refused with 405 and
 * the ones it does not with 501 (RFC 3261 8.2.1). The answer never depends on whether a user exists.
 */
public final class SipCore implements TransactionUser {
  /** Methods this server accepts; ACK and CANCEL are handled by the transaction layer. */
  static final String ALLOW = "ACK, CANCEL, OPTIONS, REGISTER";
  private static final Set<String> SUPPORTED = Set.of("path");

  private final Registrar registrar;
  private final String serverHeader;

  public SipCore(Registrar registrar, String serverHeader) {
    this.registrar = registrar;
    this.serverHeader = serverHeader;
  }

  @Override
  public void onRequest(ServerTransaction tx, SipRequest request) {
    switch (request.method()) {
      case Method.REGISTER -> registrar.register(tx);
      case Method.OPTIONS -> options(tx, request);
      default -> respond(tx, SipResponse.forRequest(request,
          Method.isKnown(request.method()) ? StatusCode.METHOD_NOT_ALLOWED : StatusCode.NOT_IMPLEMENTED).add(HeaderName.ALLOW, ALLOW));
    }
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
