package dev.evertone.sip.uas;

import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The checks a UAS makes before acting on a request (RFC 3261 8.2.2 and 8.2.3): a Request-URI
 * scheme it can handle (else 416, RFC 4475 3.3.2), every option in Require supported (else 420
 * listing them in Unsupported, RFC 4475 3.3.5), and a body it understands (else 415 with Accept,
 * RFC 4475 3.3.6).
 */
public final class UasChecks {
  private UasChecks() {}

  /**
   * The error response skeleton for {@code request}, or null if the request may be processed.
   *
   * @param supported option tags this UAS supports
   * @param acceptedBodies content types it understands in a body (lower case)
   */
  public static SipResponse.@Nullable Builder check(
      SipRequest request, Set<String> supported, Set<String> acceptedBodies) {
    String scheme = request.requestUri().scheme();
    if (!scheme.equals("sip") && !scheme.equals("sips") && !scheme.equals("tel")) {
      return SipResponse.forRequest(request, StatusCode.UNSUPPORTED_URI_SCHEME);
    }
    List<String> unsupported = new ArrayList<>();
    for (String option : request.headerValues(HeaderName.REQUIRE)) {
      if (!supported.contains(option.toLowerCase(Locale.ROOT))) {
        unsupported.add(option);
      }
    }
    if (!unsupported.isEmpty() && !request.isMethod("CANCEL") && !request.isMethod("ACK")) {
      return SipResponse.forRequest(request, StatusCode.BAD_EXTENSION)
          .add(HeaderName.UNSUPPORTED, String.join(", ", unsupported));
    }
    if (request.bodyLength() > 0) {
      String type = request.contentType();
      String bare = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!acceptedBodies.contains(bare)) {
        SipResponse.Builder b = SipResponse.forRequest(request, StatusCode.UNSUPPORTED_MEDIA_TYPE);
        if (!acceptedBodies.isEmpty()) {
          b.add(HeaderName.ACCEPT, String.join(", ", acceptedBodies));
        }
        return b;
      }
    }
    return null;
  }
}
