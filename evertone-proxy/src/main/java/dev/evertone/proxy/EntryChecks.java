package dev.evertone.proxy;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transaction.ServerTransaction;

/**
 * The checks of RFC 3261 16.3 that a request passes before the proxy routes it, and the hop it
 * costs when forwarded (16.6 step 3).
 */
final class EntryChecks {
  /** The Max-Forwards of a forwarded request that had none: 70 (8.1.1.6), one hop less. */
  private static final int FIRST_HOP_LEFT = 69;

  private EntryChecks() {}

  /** 16.3 step 3: a request that has travelled too far ends here with 483. */
  static boolean hopsLeft(ProxyStack stack, ServerTransaction tx) {
    if (tx.request().maxForwards() == 0) {
      stack.respond(tx, StatusCode.TOO_MANY_HOPS);
      return false;
    }
    return true;
  }

  /**
   * 16.3 step 5: this proxy supports no extension a request could require of it; one that requires
   * any ends here with 420, which lists them.
   */
  static boolean nothingRequired(ProxyStack stack, ServerTransaction tx) {
    String proxyRequire = tx.request().header(HeaderName.PROXY_REQUIRE);
    if (proxyRequire != null) {
      stack.respond(
          tx,
          SipResponse.forRequest(tx.request(), StatusCode.BAD_EXTENSION)
              .add(HeaderName.UNSUPPORTED, proxyRequire.strip()));
      return false;
    }
    return true;
  }

  /** 16.6 step 3: the Max-Forwards of the request's forwarded copy, one hop less. */
  static String maxForwardsLeft(SipRequest request) {
    return Integer.toString(request.maxForwards() < 0 ? FIRST_HOP_LEFT : request.maxForwards() - 1);
  }
}
