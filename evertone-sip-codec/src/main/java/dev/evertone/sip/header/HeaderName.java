package dev.evertone.sip.header;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Canonical header field names. Names are case-insensitive and many have a compact form (RFC 3261
 * 7.3.3 and the IANA SIP header registry); the parser maps every known spelling to one canonical
 * String instance, so that lookups compare canonical names.
 */
public final class HeaderName {
  private HeaderName() {}

  public static final String ACCEPT = "Accept";
  public static final String ACCEPT_ENCODING = "Accept-Encoding";
  public static final String ACCEPT_LANGUAGE = "Accept-Language";
  public static final String ALLOW = "Allow";
  public static final String ALLOW_EVENTS = "Allow-Events";
  public static final String AUTHORIZATION = "Authorization";
  public static final String CALL_ID = "Call-ID";
  public static final String CONTACT = "Contact";
  public static final String CONTENT_ENCODING = "Content-Encoding";
  public static final String CONTENT_LENGTH = "Content-Length";
  public static final String CONTENT_TYPE = "Content-Type";
  public static final String CSEQ = "CSeq";
  public static final String DATE = "Date";
  public static final String EVENT = "Event";
  public static final String EXPIRES = "Expires";
  public static final String FROM = "From";
  public static final String IDENTITY = "Identity";
  public static final String MAX_FORWARDS = "Max-Forwards";
  public static final String MIN_EXPIRES = "Min-Expires";
  public static final String PATH = "Path";
  public static final String PROXY_AUTHENTICATE = "Proxy-Authenticate";
  public static final String PROXY_AUTHORIZATION = "Proxy-Authorization";
  public static final String PROXY_REQUIRE = "Proxy-Require";
  public static final String RECORD_ROUTE = "Record-Route";
  public static final String REFER_TO = "Refer-To";
  public static final String REFERRED_BY = "Referred-By";
  public static final String REQUIRE = "Require";
  public static final String RETRY_AFTER = "Retry-After";
  public static final String ROUTE = "Route";
  public static final String SERVER = "Server";
  public static final String SESSION_EXPIRES = "Session-Expires";
  public static final String SUBJECT = "Subject";
  public static final String SUPPORTED = "Supported";
  public static final String TIMESTAMP = "Timestamp";
  public static final String TO = "To";
  public static final String UNSUPPORTED = "Unsupported";
  public static final String USER_AGENT = "User-Agent";
  public static final String VIA = "Via";
  public static final String WARNING = "Warning";
  public static final String WWW_AUTHENTICATE = "WWW-Authenticate";

  private static final Map<String, String> CANONICAL = new HashMap<>();
  // Canonical spellings mapped to themselves: most lookups use them, and need no lower-casing.
  private static final Map<String, String> EXACT = new HashMap<>();

  static {
    for (String name :
        new String[] {
          ACCEPT,
          ACCEPT_ENCODING,
          ACCEPT_LANGUAGE,
          ALLOW,
          ALLOW_EVENTS,
          AUTHORIZATION,
          CALL_ID,
          CONTACT,
          CONTENT_ENCODING,
          CONTENT_LENGTH,
          CONTENT_TYPE,
          CSEQ,
          DATE,
          EVENT,
          EXPIRES,
          FROM,
          IDENTITY,
          MAX_FORWARDS,
          MIN_EXPIRES,
          PATH,
          PROXY_AUTHENTICATE,
          PROXY_AUTHORIZATION,
          PROXY_REQUIRE,
          RECORD_ROUTE,
          REFER_TO,
          REFERRED_BY,
          REQUIRE,
          RETRY_AFTER,
          ROUTE,
          SERVER,
          SESSION_EXPIRES,
          SUBJECT,
          SUPPORTED,
          TIMESTAMP,
          TO,
          UNSUPPORTED,
          USER_AGENT,
          VIA,
          WARNING,
          WWW_AUTHENTICATE
        }) {
      CANONICAL.put(name.toLowerCase(Locale.ROOT), name);
      EXACT.put(name, name);
    }
    // compact forms (RFC 3261 7.3.3, RFC 3265, RFC 3515, RFC 3892, RFC 4028, RFC 3841, RFC 8224)
    String[][] compact = {
      {"i", CALL_ID},
      {"m", CONTACT},
      {"e", CONTENT_ENCODING},
      {"l", CONTENT_LENGTH},
      {"c", CONTENT_TYPE},
      {"f", FROM},
      {"s", SUBJECT},
      {"k", SUPPORTED},
      {"t", TO},
      {"v", VIA},
      {"o", EVENT},
      {"u", ALLOW_EVENTS},
      {"r", REFER_TO},
      {"b", REFERRED_BY},
      {"x", SESSION_EXPIRES},
      {"y", IDENTITY},
      {"a", "Accept-Contact"},
      {"j", "Reject-Contact"},
      {"d", "Request-Disposition"}
    };
    for (String[] pair : compact) {
      CANONICAL.put(pair[0], pair[1]);
    }
  }

  /**
   * The canonical name for {@code name} (any case, compact or long form); an unknown name is
   * returned as written.
   */
  public static String canonical(String name) {
    String exact = EXACT.get(name);
    if (exact != null) {
      return exact;
    }
    String known = CANONICAL.get(name.toLowerCase(Locale.ROOT));
    return known != null ? known : name;
  }

  /**
   * Canonical name of the header name in {@code chars[off, off+len)}, without allocating when
   * known.
   */
  public static String canonical(byte[] chars, int off, int len) {
    String known = lookup(chars, off, len);
    return known != null
        ? known
        : new String(chars, off, len, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  // Open-addressing table over lower-cased names, so that a known name is found without allocating.
  private static final int TABLE_MASK = 255;
  private static final byte[][] TABLE_KEYS = new byte[TABLE_MASK + 1][];
  private static final String[] TABLE_VALUES = new String[TABLE_MASK + 1];

  static {
    for (Map.Entry<String, String> e : CANONICAL.entrySet()) {
      byte[] key = e.getKey().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      int slot = hash(key, 0, key.length) & TABLE_MASK;
      while (TABLE_KEYS[slot] != null) {
        slot = (slot + 1) & TABLE_MASK;
      }
      TABLE_KEYS[slot] = key;
      TABLE_VALUES[slot] = e.getValue();
    }
  }

  private static int lowerByte(byte b) {
    return b >= 'A' && b <= 'Z' ? b + 32 : b;
  }

  private static int hash(byte[] chars, int off, int len) {
    int h = len;
    for (int i = 0; i < len; i++) {
      h = h * 31 + lowerByte(chars[off + i]);
    }
    return h ^ (h >>> 16);
  }

  private static @Nullable String lookup(byte[] chars, int off, int len) {
    int slot = hash(chars, off, len) & TABLE_MASK;
    while (true) {
      byte[] key = TABLE_KEYS[slot];
      if (key == null) {
        return null;
      }
      if (key.length == len) {
        int i = 0;
        while (i < len && key[i] == lowerByte(chars[off + i])) {
          i++;
        }
        if (i == len) {
          return TABLE_VALUES[slot];
        }
      }
      slot = (slot + 1) & TABLE_MASK;
    }
  }

  /**
   * Whether the header's value is a comma-separated list (RFC 3261 7.3.1), so that several fields
   * may be combined and one field may carry several values. Authorization-type headers are
   * excluded: their commas separate parameters, not values.
   */
  public static boolean isList(String canonical) {
    return switch (canonical) {
      case VIA,
          CONTACT,
          ROUTE,
          RECORD_ROUTE,
          PATH,
          ALLOW,
          ALLOW_EVENTS,
          SUPPORTED,
          REQUIRE,
          PROXY_REQUIRE,
          UNSUPPORTED,
          ACCEPT,
          ACCEPT_ENCODING,
          ACCEPT_LANGUAGE,
          CONTENT_ENCODING,
          WARNING ->
          true;
      default -> false;
    };
  }

  private static final String[] SINGLE = {
    TO, FROM, CALL_ID, CSEQ, MAX_FORWARDS, CONTENT_LENGTH, CONTENT_TYPE, EXPIRES, MIN_EXPIRES
  };

  /** A small number (below 32) for each header that may appear only once, -1 for the others. */
  public static int singleIndex(String canonical) {
    for (int i = 0; i < SINGLE.length; i++) {
      if (SINGLE[i].equals(canonical)) {
        return i;
      }
    }
    return -1;
  }
}
