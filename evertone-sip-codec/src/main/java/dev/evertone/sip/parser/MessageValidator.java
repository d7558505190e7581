package dev.evertone.sip.parser;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.uri.SipUri;

/**
 * The checks every message passes before it reaches a transaction (RFC 3261 8.1.1, 8.2, 18.1.2,
 * 18.2.1): supported version, mandatory headers present once and well-formed, CSeq method matching
 * the request method. Failures are {@link SipParseException}s carrying the status code to answer a
 * request with (400, or 505 for the version); responses that fail are dropped by the caller.
 *
 * <p>Only the headers the SIP layers themselves need are parsed here; others are parsed by whoever
 * uses them, and fail then.
 */
public final class MessageValidator {
  private MessageValidator() {}

  public static final String VERSION = "SIP/2.0";

  /** Checks a received request. */
  public static void checkRequest(SipRequest request) {
    if (!VERSION.equals(request.version()) && !VERSION.equalsIgnoreCase(request.version())) {
      throw new SipParseException("SIP version " + request.version() + " is not supported", 0, 505);
    }
    checkCommon(request);
    String cseqMethod = request.cseq().method();
    if (!cseqMethod.equals(request.method())) {
      throw new SipParseException(
          "CSeq method " + cseqMethod + " does not match request method " + request.method(), -1);
    }
    if (request.has(HeaderName.MAX_FORWARDS)) {
      request.maxForwards();
    }
    if (request.requestUri() instanceof SipUri uri && uri.headers() != null) {
      // RFC 3261 19.1.1 table 1: headers are not allowed in a Request-URI (RFC 4475 3.1.2.11)
      throw new SipParseException("Request-URI must not contain headers", -1);
    }
    if (request.has(HeaderName.CONTACT)) {
      if (request.hasWildcardContact()) {
        if (!request.isMethod(Method.REGISTER)) {
          throw new SipParseException("Contact: * is only allowed in REGISTER", -1);
        }
        if (request.count(HeaderName.CONTACT) > 1) {
          throw new SipParseException(
              "Contact: * must be the only Contact (RFC 3261 10.3 step 6)", -1);
        }
      } else {
        request.contacts();
      }
    }
  }

  /** Checks a received response; a failing response is discarded (RFC 3261 18.1.2). */
  public static void checkResponse(SipResponse response) {
    if (!VERSION.equalsIgnoreCase(response.version())) {
      throw new SipParseException("SIP version " + response.version() + " is not supported", 0);
    }
    checkCommon(response);
  }

  private static void checkCommon(SipMessage message) {
    for (String name :
        new String[] {
          HeaderName.VIA, HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ
        }) {
      if (!message.has(name)) {
        throw new SipParseException("missing " + name + " header", -1);
      }
    }
    // RFC 3261 7.3.1: only list headers may appear more than once (RFC 4475 3.3.8)
    int seen = 0;
    for (HeaderField f : message.headers()) {
      int bit = HeaderName.singleIndex(f.name());
      if (bit >= 0) {
        if ((seen & (1 << bit)) != 0) {
          throw new SipParseException(f.name() + " header appears more than once", -1);
        }
        seen |= 1 << bit;
      }
    }
    message.vias();
    message.from();
    message.to();
    message.callId();
    message.cseq();
  }
}
