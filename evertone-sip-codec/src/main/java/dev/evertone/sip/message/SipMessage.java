package dev.evertone.sip.message;

import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.AuthHeader;
import dev.evertone.sip.header.CSeq;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.header.Via;
import dev.evertone.sip.syntax.Chars;
import dev.evertone.sip.syntax.SipParseException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An immutable SIP message: header fields in the order they were received or built, and a body.
 *
 * <p>Header values are parsed into typed values ({@link Via}, {@link Address}, {@link CSeq}...) on
 * first access and cached; a value that does not parse throws {@link SipParseException}, which the
 * transport layer turns into a 400 response. Modifications return a new message ({@link
 * #toBuilder()}).
 */
public abstract sealed class SipMessage permits SipRequest, SipResponse {
  /** Delta-seconds above 2**32-1 are read as 2**32-1 (RFC 3261 20.19, 20.10). */
  public static final long MAX_DELTA_SECONDS = 0xFFFF_FFFFL;

  private static final byte[] NO_BODY = new byte[0];

  private final HeaderField[] fields;
  private final byte[] body;

  // Parsed on first access. Racy but safe: each value is immutable and recomputed identically.
  private @Nullable List<Via> vias;
  private @Nullable Address from;
  private @Nullable Address to;
  private @Nullable CSeq cseq;
  private @Nullable List<Address> contacts;

  SipMessage(HeaderField[] fields, byte[] body) {
    this.fields = fields;
    this.body = body.length == 0 ? NO_BODY : body;
  }

  /** "SIP/2.0" for every message evertone builds; as received for parsed ones. */
  public abstract String version();

  /** The start line without CRLF. */
  public abstract String startLine();

  /** A builder holding a copy of this message, for derived messages. */
  public abstract MessageBuilder<?> toBuilder();

  // ---- raw header access ----

  /** All header fields in order. */
  public List<HeaderField> headers() {
    return Collections.unmodifiableList(Arrays.asList(fields));
  }

  HeaderField[] fieldArray() {
    return fields;
  }

  /** The value of the first field named {@code name} (any spelling), or null. */
  public @Nullable String header(String name) {
    return first(HeaderName.canonical(name));
  }

  /** The value of the first field with this canonical name, or null. */
  private @Nullable String first(String canonical) {
    for (HeaderField f : fields) {
      if (f.name().equals(canonical)) {
        return f.value();
      }
    }
    return null;
  }

  /** The values of every field named {@code name}, one per field line, in order. */
  public List<String> headerFields(String name) {
    String canonical = HeaderName.canonical(name);
    List<String> out = new ArrayList<>(2);
    for (HeaderField f : fields) {
      if (f.name().equals(canonical)) {
        out.add(f.value());
      }
    }
    return out;
  }

  /**
   * The values of {@code name}, with comma-separated lists split into their elements for list
   * headers (RFC 3261 7.3.1): {@code Supported: a, b} and two Supported fields give the same
   * result.
   */
  public List<String> headerValues(String name) {
    String canonical = HeaderName.canonical(name);
    List<String> out = new ArrayList<>(2);
    boolean list = HeaderName.isList(canonical);
    for (HeaderField f : fields) {
      if (f.name().equals(canonical)) {
        if (list) {
          splitList(f.value(), out);
        } else {
          out.add(f.value());
        }
      }
    }
    return out;
  }

  /** How many fields are named {@code name}. */
  public int count(String name) {
    String canonical = HeaderName.canonical(name);
    int n = 0;
    for (HeaderField f : fields) {
      if (f.name().equals(canonical)) {
        n++;
      }
    }
    return n;
  }

  public boolean has(String name) {
    return first(HeaderName.canonical(name)) != null;
  }

  public byte[] body() {
    return body.length == 0 ? NO_BODY : body.clone();
  }

  public int bodyLength() {
    return body.length;
  }

  byte[] bodyArray() {
    return body;
  }

  // ---- typed access ----

  /** Every Via value, top first. */
  public List<Via> vias() {
    List<Via> v = vias;
    if (v == null) {
      List<Via> all = new ArrayList<>(2);
      for (HeaderField f : fields) {
        if (f.name().equals(HeaderName.VIA)) {
          all.addAll(parse(HeaderName.VIA, f.value(), Via::parseList));
        }
      }
      vias = v = List.copyOf(all);
    }
    return v;
  }

  /** The top Via; fails if there is none. */
  public Via topVia() {
    List<Via> v = vias();
    if (v.isEmpty()) {
      throw new SipParseException("missing Via header", -1);
    }
    return v.get(0);
  }

  public Address from() {
    Address a = from;
    if (a == null) {
      from = a = parse(HeaderName.FROM, required(HeaderName.FROM), Address::parse);
    }
    return a;
  }

  public Address to() {
    Address a = to;
    if (a == null) {
      to = a = parse(HeaderName.TO, required(HeaderName.TO), Address::parse);
    }
    return a;
  }

  /** The Call-ID (RFC 3261 20.8: {@code word ["@" word]}). */
  public String callId() {
    String id = required(HeaderName.CALL_ID);
    int at = -1;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '@' && at < 0 && i > 0 && i < id.length() - 1) {
        at = i;
      } else if (!Chars.isWord(c)) {
        throw new SipParseException("bad Call-ID header: invalid character", i);
      }
    }
    if (id.isEmpty()) {
      throw new SipParseException("bad Call-ID header: empty", 0);
    }
    return id;
  }

  public CSeq cseq() {
    CSeq c = cseq;
    if (c == null) {
      cseq = c = parse(HeaderName.CSEQ, required(HeaderName.CSEQ), CSeq::parse);
    }
    return c;
  }

  /** Max-Forwards (0-255), or -1 when absent. */
  public int maxForwards() {
    String v = first(HeaderName.MAX_FORWARDS);
    if (v == null) {
      return -1;
    }
    long n = parseDigits(HeaderName.MAX_FORWARDS, v, 255);
    return (int) n;
  }

  /** The Expires header in seconds (capped at 2**32-1), or -1 when absent. */
  public long expires() {
    String v = first(HeaderName.EXPIRES);
    return v == null ? -1 : parseDeltaSeconds(HeaderName.EXPIRES, v);
  }

  /** Whether the message has the wildcard {@code Contact: *} (RFC 3261 10.2.2). */
  public boolean hasWildcardContact() {
    for (HeaderField f : fields) {
      if (f.name().equals(HeaderName.CONTACT) && f.value().equals("*")) {
        return true;
      }
    }
    return false;
  }

  /** Every Contact address, in order; empty for {@code Contact: *} or no Contact. */
  public List<Address> contacts() {
    List<Address> c = contacts;
    if (c == null) {
      List<Address> all = new ArrayList<>(1);
      for (HeaderField f : fields) {
        if (f.name().equals(HeaderName.CONTACT) && !f.value().equals("*")) {
          all.addAll(parse(HeaderName.CONTACT, f.value(), Address::parseList));
        }
      }
      contacts = c = List.copyOf(all);
    }
    return c;
  }

  /** Every field of {@code name} parsed as credentials or challenges (one per field). */
  public List<AuthHeader> authHeaders(String name) {
    String canonical = HeaderName.canonical(name);
    List<AuthHeader> out = new ArrayList<>(1);
    for (HeaderField f : fields) {
      if (f.name().equals(canonical)) {
        out.add(parse(canonical, f.value(), AuthHeader::parse));
      }
    }
    return out;
  }

  public @Nullable String contentType() {
    return first(HeaderName.CONTENT_TYPE);
  }

  public @Nullable String userAgent() {
    return first(HeaderName.USER_AGENT);
  }

  // ---- helpers ----

  private String required(String name) {
    String v = first(name);
    if (v == null) {
      throw new SipParseException("missing " + name + " header", -1);
    }
    return v;
  }

  static <T> T parse(String name, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (SipParseException e) {
      throw e.shifted(0, "bad " + name + " header");
    }
  }

  static long parseDigits(String name, String value, long max) {
    if (value.isEmpty()) {
      throw new SipParseException("bad " + name + " header: empty", 0);
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Chars.isDigit(c)) {
        throw new SipParseException("bad " + name + " header: not a number", i);
      }
      n = n * 10 + (c - '0');
      if (n > max) {
        throw new SipParseException("bad " + name + " header: larger than " + max, i);
      }
    }
    return n;
  }

  /** RFC 3261 delta-seconds: digits, capped at 2**32-1. */
  public static long parseDeltaSeconds(String name, String value) {
    if (value.isEmpty()) {
      throw new SipParseException("bad " + name + ": empty", 0);
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Chars.isDigit(c)) {
        throw new SipParseException("bad " + name + ": not a number of seconds", i);
      }
      if (n < MAX_DELTA_SECONDS) {
        n = Math.min(MAX_DELTA_SECONDS, n * 10 + (c - '0'));
      }
    }
    return n;
  }

  /** Splits a comma-separated header value, respecting quoted strings and angle brackets. */
  static void splitList(String value, List<String> out) {
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        depth++;
      } else if (c == '>' && depth > 0) {
        depth--;
      } else if (c == ',' && depth == 0) {
        addTrimmed(value, start, i, out);
        start = i + 1;
      }
    }
    addTrimmed(value, start, value.length(), out);
  }

  private static void addTrimmed(String value, int start, int end, List<String> out) {
    while (start < end && Chars.isWhitespace(value.charAt(start))) {
      start++;
    }
    while (end > start && Chars.isWhitespace(value.charAt(end - 1))) {
      end--;
    }
    if (end > start) {
      out.add(value.substring(start, end));
    }
  }

  // ---- serialization ----

  /** The message on the wire: start line, header fields, CRLF, body. */
  public byte[] toBytes() {
    String start = startLine();
    int size = start.length() + 4 + body.length;
    for (HeaderField f : fields) {
      size += f.name().length() + f.value().length() + 4;
    }
    byte[] out = new byte[size];
    int pos = put(start, out, 0);
    out[pos++] = '\r';
    out[pos++] = '\n';
    for (HeaderField f : fields) {
      pos = put(f.name(), out, pos);
      out[pos++] = ':';
      out[pos++] = ' ';
      pos = put(f.value(), out, pos);
      out[pos++] = '\r';
      out[pos++] = '\n';
    }
    out[pos++] = '\r';
    out[pos++] = '\n';
    System.arraycopy(body, 0, out, pos, body.length);
    return out;
  }

  /** Copies the octets of wire text (every char is below 256) into {@code out}. */
  @SuppressWarnings(
      "deprecation") // String.getBytes(int, int, byte[], int) is exactly a Latin-1 copy
  private static int put(String s, byte[] out, int pos) {
    s.getBytes(0, s.length(), out, pos);
    return pos + s.length();
  }

  /** The wire form as text (octets as chars); for logs and tests. */
  @Override
  public String toString() {
    return new String(toBytes(), StandardCharsets.ISO_8859_1);
  }
}
