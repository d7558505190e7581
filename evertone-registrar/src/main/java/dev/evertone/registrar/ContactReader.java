package dev.evertone.registrar;

import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.Parameters;
import dev.evertone.sip.syntax.SipParseException;
import dev.evertone.sip.transport.Source;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Contact of a REGISTER into the binding it asks for (RFC 3261 10.3 step 7): its q-value,
 * its RFC 5626 instance and reg-id, its other parameters as written, the REGISTER's Path (RFC 3327)
 * and User-Agent, and where it came from.
 */
final class ContactReader {
  /** Distinct User-Agent strings kept as one shared copy each; more are not interned. */
  private static final int MAX_USER_AGENTS = 10_000;

  // Many devices share one User-Agent string: keep one copy per distinct value (bounded).
  private final ConcurrentHashMap<String, String> userAgents = new ConcurrentHashMap<>();

  /**
   * The binding {@code contact} of {@code request} asks for.
   *
   * @param expires seconds granted
   */
  Binding binding(SipRequest request, Source source, Address contact, long expires, long now) {
    Parameters params = contact.params();
    int q = -1;
    String instance = null;
    int regId = -1;
    StringBuilder other = null;
    for (int i = 0; i < params.size(); i++) {
      String name = params.name(i);
      String raw = params.rawValue(i);
      switch (name.toLowerCase(Locale.ROOT)) {
        case "expires" -> {}
        case "q" -> q = qMillis(raw);
        default -> {
          if (name.equalsIgnoreCase("+sip.instance")) {
            instance = params.get(name);
          } else if (name.equalsIgnoreCase("reg-id") && raw != null) {
            regId = (int) SipMessage.parseDeltaSeconds("reg-id", raw);
          }
          if (other == null) {
            other = new StringBuilder();
          }
          other.append(';').append(name);
          if (raw != null) {
            other.append('=').append(raw);
          }
        }
      }
    }
    String path =
        request.has(HeaderName.PATH)
            ? String.join(", ", request.headerFields(HeaderName.PATH))
            : null;
    return new Binding(
        new Binding.Contact(
            contact.uri().toString(), other == null ? null : other.toString(), q, instance, regId),
        new Binding.Register(
            request.callId(), request.cseq().number(), internUserAgent(request.userAgent()), path),
        new Binding.Origin(source.transport(), source.remote(), source.flow()),
        now,
        now + expires * 1000);
  }

  /** RFC 3261 25.1 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")], as thousandths. */
  static int qMillis(@Nullable String raw) {
    if (raw == null || raw.isEmpty() || raw.length() > 5) {
      throw new SipParseException("bad q parameter '" + raw + "'", -1);
    }
    char first = raw.charAt(0);
    if ((first != '0' && first != '1') || (raw.length() > 1 && raw.charAt(1) != '.')) {
      throw new SipParseException("bad q parameter '" + raw + "'", -1);
    }
    int millis = (first - '0') * 1000;
    int scale = 100;
    for (int i = 2; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (!Chars.isDigit(c)) {
        throw new SipParseException("bad q parameter '" + raw + "'", -1);
      }
      millis += (c - '0') * scale;
      scale /= 10;
    }
    if (millis > 1000) {
      throw new SipParseException("bad q parameter '" + raw + "' (above 1)", -1);
    }
    return millis;
  }

  /** A q-value as the 200 OK writes it: {@code 1}, {@code 0.5}, {@code 0.125}. */
  static String qText(int millis) {
    if (millis == 1000) {
      return "1";
    }
    String s = String.format(Locale.ROOT, "0.%03d", millis);
    return s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private @Nullable String internUserAgent(@Nullable String ua) {
    if (ua == null) {
      return null;
    }
    String known = userAgents.get(ua);
    if (known != null) {
      return known;
    }
    if (userAgents.size() < MAX_USER_AGENTS) {
      known = userAgents.putIfAbsent(ua, ua);
    }
    return known != null ? known : ua;
  }
}
