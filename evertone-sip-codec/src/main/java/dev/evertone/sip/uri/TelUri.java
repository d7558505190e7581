package dev.evertone.sip.uri;

import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.Escapes;
import dev.evertone.sip.syntax.Parameters;
import dev.evertone.sip.syntax.SipParseException;
import java.util.Locale;

/**
 * A TEL URI (RFC 3966): a global number ({@code tel:+1-201-555-0123}) or a local one with a {@code
 * phone-context} parameter ({@code tel:7042;phone-context=example.com}).
 */
public final class TelUri implements Uri {
  private final String number;
  private final Parameters params;

  private TelUri(String number, Parameters params) {
    this.number = number;
    this.params = params;
  }

  static TelUri parse(String text, int base) {
    int start = 4; // "tel:"
    int semi = text.indexOf(';', start);
    String number = semi < 0 ? text.substring(start) : text.substring(start, semi);
    if (number.isEmpty()) {
      throw new SipParseException("empty telephone number", base + start);
    }
    boolean global = number.charAt(0) == '+';
    boolean digit = false;
    for (int i = global ? 1 : 0; i < number.length(); i++) {
      char c = number.charAt(i);
      // phonedigit = DIGIT / visual-separator; local numbers may also use HEXDIG, "*" and "#"
      boolean separator = c == '-' || c == '.' || c == '(' || c == ')';
      boolean localOnly = !global && (Chars.isHexDigit(c) || c == '*' || c == '#');
      if (Chars.isDigit(c) || localOnly) {
        digit = true;
      } else if (!separator) {
        throw new SipParseException(
            "invalid character '" + c + "' in telephone number", base + start + i);
      }
    }
    if (!digit) {
      throw new SipParseException("telephone number has no digits", base + start);
    }
    Parameters.Builder params = new Parameters.Builder();
    int pos = semi;
    while (pos >= 0 && pos < text.length()) {
      int next = text.indexOf(';', pos + 1);
      String param = next < 0 ? text.substring(pos + 1) : text.substring(pos + 1, next);
      int eq = param.indexOf('=');
      String name = eq < 0 ? param : param.substring(0, eq);
      if (name.isEmpty()) {
        throw new SipParseException("empty parameter in TEL URI", base + pos + 1);
      }
      Escapes.check(name, base + pos + 1, Chars::isToken, "TEL URI parameter name");
      String value = eq < 0 ? null : param.substring(eq + 1);
      if (value != null) {
        Escapes.check(value, base + pos + 2 + eq, Chars::isParamChar, "TEL URI parameter value");
      }
      params.add(name, value);
      pos = next;
    }
    Parameters built = params.build();
    if (!global && !built.contains("phone-context")) {
      throw new SipParseException(
          "a local TEL number needs a phone-context parameter (RFC 3966 5.1.5)", base + start);
    }
    return new TelUri(number, built);
  }

  @Override
  public String scheme() {
    return "tel";
  }

  /** The number as written, visual separators included. */
  public String number() {
    return number;
  }

  /** The number without visual separators (e.g. {@code +12015550123}). */
  public String digits() {
    StringBuilder out = new StringBuilder(number.length());
    for (int i = 0; i < number.length(); i++) {
      char c = number.charAt(i);
      if (c != '-' && c != '.' && c != '(' && c != ')') {
        out.append(c);
      }
    }
    return out.toString();
  }

  public boolean isGlobal() {
    return number.charAt(0) == '+';
  }

  public Parameters params() {
    return params;
  }

  @Override
  public boolean equals(Object o) {
    // RFC 3966 4: numbers compare without visual separators; parameters compare case-insensitively
    return o instanceof TelUri t
        && t.digits().equalsIgnoreCase(digits())
        && t.params
            .toString()
            .toLowerCase(Locale.ROOT)
            .equals(params.toString().toLowerCase(Locale.ROOT));
  }

  @Override
  public int hashCode() {
    return digits().toLowerCase(Locale.ROOT).hashCode();
  }

  @Override
  public String toString() {
    return "tel:" + number + params;
  }
}
