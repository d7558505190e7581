package dev.evertone.sip.header;

import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.Parameters;
import dev.evertone.sip.syntax.Scanner;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The value of a From, To, Contact, Route, Record-Route or Path header: an optional display name, a
 * URI and header parameters (RFC 3261 20.10, 20.20, 20.39: {@code name-addr / addr-spec} followed
 * by parameters).
 *
 * <p>In the {@code addr-spec} form (no angle brackets) every parameter after the URI belongs to the
 * header, not to the URI (RFC 3261 20.10; RFC 4475 3.3.12).
 */
public final class Address {
  private final @Nullable String displayName;
  private final Uri uri;
  private final Parameters params;

  public Address(@Nullable String displayName, Uri uri, Parameters params) {
    this.displayName = displayName;
    this.uri = Objects.requireNonNull(uri, "uri");
    this.params = Objects.requireNonNull(params, "params");
  }

  /** Parses a header value that holds exactly one address (From, To). */
  public static Address parse(String value) {
    Scanner sc = new Scanner(value);
    Address address = read(sc);
    sc.expectEnd("address");
    return address;
  }

  /** Parses a comma-separated list of addresses (Contact, Route, Record-Route, Path). */
  public static List<Address> parseList(String value) {
    Scanner sc = new Scanner(value);
    List<Address> out = new ArrayList<>(2);
    do {
      out.add(read(sc));
    } while (sc.skipSeparator(','));
    sc.expectEnd("address");
    return out;
  }

  static Address read(Scanner sc) {
    sc.skipWhitespace();
    String display = null;
    if (sc.peek() == '"') {
      display = sc.quotedString();
      sc.skipWhitespace();
      if (sc.peek() != '<') {
        throw sc.error("expected '<' after display name");
      }
    } else if (sc.peek() != '<') {
      int start = sc.position();
      // display-name = *(token LWS): only a name-addr when the tokens are followed by '<'
      int lastTokenEnd = start;
      while (Chars.isToken(sc.peek())) {
        sc.token("display name");
        lastTokenEnd = sc.position();
        sc.skipWhitespace();
      }
      if (sc.peek() == '<' && lastTokenEnd > start) {
        display = sc.text().substring(start, lastTokenEnd);
      } else {
        sc.position(start);
        return readAddrSpec(sc);
      }
    }
    sc.next(); // '<'
    int uriStart = sc.position();
    int close = sc.text().indexOf('>', uriStart);
    if (close < 0) {
      throw sc.error("missing '>' after URI");
    }
    String uriText = sc.text().substring(uriStart, close);
    for (int i = 0; i < uriText.length(); i++) {
      if (uriText.charAt(i) <= ' ') {
        sc.position(uriStart + i);
        throw sc.error("whitespace inside <URI> (RFC 3261 25.1 addr-spec)");
      }
    }
    Uri uri = parseUri(uriText, uriStart);
    sc.position(close + 1);
    return new Address(display, uri, Parameters.parseHeaderParams(sc));
  }

  private static Address readAddrSpec(Scanner sc) {
    int start = sc.position();
    String uriText = sc.until(";,");
    if (uriText.isEmpty()) {
      throw sc.error("expected an address");
    }
    // RFC 3261 20: a URI holding ',', ';' or '?' must be in angle brackets.
    int question = uriText.indexOf('?');
    if (question >= 0) {
      sc.position(start + question);
      throw sc.error("a URI with headers ('?') must be enclosed in <> (RFC 3261 20)");
    }
    Uri uri = parseUri(uriText, start);
    return new Address(null, uri, Parameters.parseHeaderParams(sc));
  }

  private static Uri parseUri(String text, int base) {
    return Uri.parse(text, base);
  }

  /** The display name (quotes removed, octets as chars), or null. */
  public @Nullable String displayName() {
    return displayName;
  }

  /** The display name decoded as UTF-8 (RFC 3261 allows UTF-8 in quoted strings), or null. */
  public @Nullable String displayNameText() {
    return displayName == null
        ? null
        : new String(displayName.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  public Uri uri() {
    return uri;
  }

  /** The URI if it is a SIP or SIPS URI, else null. */
  public @Nullable SipUri sipUri() {
    return uri instanceof SipUri s ? s : null;
  }

  public Parameters params() {
    return params;
  }

  public @Nullable String param(String name) {
    return params.get(name);
  }

  /** The {@code tag} parameter of a From or To header, or null. */
  public @Nullable String tag() {
    return params.get("tag");
  }

  public Address withParam(String name, @Nullable String rawValue) {
    return new Address(displayName, uri, params.with(name, rawValue));
  }

  public Address withoutParam(String name) {
    return new Address(displayName, uri, params.without(name));
  }

  public void appendTo(StringBuilder out) {
    if (displayName != null) {
      out.append('"');
      for (int i = 0; i < displayName.length(); i++) {
        char c = displayName.charAt(i);
        if (c == '"' || c == '\\') {
          out.append('\\');
        }
        out.append(c);
      }
      out.append("\" ");
    }
    out.append('<').append(uri).append('>');
    params.appendTo(out);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(64);
    appendTo(out);
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address a
        && Objects.equals(a.displayName, displayName)
        && a.uri.equals(uri)
        && a.params.equals(params);
  }

  @Override
  public int hashCode() {
    return Objects.hash(displayName, uri, params);
  }
}
