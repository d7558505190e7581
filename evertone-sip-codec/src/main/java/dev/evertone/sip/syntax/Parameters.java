package dev.evertone.sip.syntax;

import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An ordered, immutable list of {@code ;name[=value]} parameters, of a header field value or of a
 * URI. Names compare case-insensitively (RFC 3261 7.3.1). Values are kept as written: a quoted
 * value keeps its quotes in {@link #raw(String)}, and {@link #get(String)} returns it unquoted.
 */
public final class Parameters {
  public static final Parameters EMPTY = new Parameters(new String[0], new String[0]);

  private final String[] names;
  private final @Nullable String[] values;

  private Parameters(String[] names, @Nullable String[] values) {
    this.names = names;
    this.values = values;
  }

  public int size() {
    return names.length;
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  public String name(int i) {
    return names[i];
  }

  /** The raw value of the i-th parameter, or null if it is a flag without value. */
  public @Nullable String rawValue(int i) {
    return values[i];
  }

  private int indexOf(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }

  public boolean contains(String name) {
    return indexOf(name) >= 0;
  }

  /** The value as written (quotes kept), or null if absent or a flag. */
  public @Nullable String raw(String name) {
    int i = indexOf(name);
    return i < 0 ? null : values[i];
  }

  /** The value with surrounding quotes and quoted-pairs removed, or null if absent or a flag. */
  public @Nullable String get(String name) {
    String raw = raw(name);
    if (raw == null || raw.length() < 2 || raw.charAt(0) != '"') {
      return raw;
    }
    return new Scanner(raw).quotedString();
  }

  /** A copy with {@code name} set to {@code rawValue} (replacing it in place, or appended). */
  public Parameters with(String name, @Nullable String rawValue) {
    int i = indexOf(name);
    if (i >= 0) {
      @Nullable String[] v = values.clone();
      v[i] = rawValue;
      return new Parameters(names, v);
    }
    String[] n = Arrays.copyOf(names, names.length + 1);
    @Nullable String[] v = Arrays.copyOf(values, values.length + 1);
    n[names.length] = name;
    v[values.length] = rawValue;
    return new Parameters(n, v);
  }

  public Parameters without(String name) {
    int i = indexOf(name);
    if (i < 0) {
      return this;
    }
    String[] n = new String[names.length - 1];
    @Nullable String[] v = new String[names.length - 1];
    for (int j = 0, k = 0; j < names.length; j++) {
      if (j != i) {
        n[k] = names[j];
        v[k++] = values[j];
      }
    }
    return new Parameters(n, v);
  }

  /** Appends {@code ;name=value...} to {@code out}. */
  public void appendTo(StringBuilder out) {
    for (int i = 0; i < names.length; i++) {
      out.append(';').append(names[i]);
      if (values[i] != null) {
        out.append('=').append(values[i]);
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    appendTo(out);
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Parameters p
        && Arrays.equals(lowerNames(), p.lowerNames())
        && Arrays.equals(values, p.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(lowerNames()) * 31 + Arrays.hashCode(values);
  }

  private String[] lowerNames() {
    String[] lower = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      lower[i] = names[i].toLowerCase(Locale.ROOT);
    }
    return lower;
  }

  /**
   * Reads {@code *( SEMI generic-param )} of a header field value: {@code token [ EQUAL gen-value
   * ]} with gen-value a token, a host (an IPv6 reference included) or a quoted string. An empty
   * parameter (two separators in a row) is a syntax error (RFC 4475 3.1.2.1).
   */
  public static Parameters parseHeaderParams(Scanner sc) {
    Builder b = null;
    while (sc.skipSeparator(';')) {
      String name = sc.token("parameter name");
      String value = null;
      if (sc.skipSeparator('=')) {
        value = genericValue(sc);
      }
      if (b == null) {
        b = new Builder();
      }
      b.add(name, value);
    }
    return b == null ? EMPTY : b.build();
  }

  private static String genericValue(Scanner sc) {
    char c = sc.peek();
    if (c == '"') {
      return sc.rawQuotedString();
    }
    int start = sc.position();
    if (c == '[') {
      // IPv6reference as a value (e.g. received=[2001:db8::1], RFC 5118 4.5)
      int close = sc.text().indexOf(']', start);
      if (close < 0) {
        throw sc.error("unterminated IPv6 reference in parameter value");
      }
      Hosts.checkIpv6(sc.text().substring(start + 1, close), start + 1);
      sc.position(close + 1);
      return sc.text().substring(start, close + 1);
    }
    // token / host; ':' is accepted so that an IPv6 address without brackets reads as one value
    // (RFC 5118 4.5: received=2001:db8::9:255).
    while (!sc.atEnd() && (Chars.isToken(sc.peek()) || sc.peek() == ':')) {
      sc.next();
    }
    if (sc.position() == start) {
      throw sc.error("expected parameter value");
    }
    return sc.text().substring(start, sc.position());
  }

  /** Collects parameters in order. */
  public static final class Builder {
    private String[] names = new String[4];
    private @Nullable String[] values = new String[4];
    private int size;

    public Builder add(String name, @Nullable String rawValue) {
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      names[size] = name;
      values[size++] = rawValue;
      return this;
    }

    public Parameters build() {
      return size == 0
          ? EMPTY
          : new Parameters(Arrays.copyOf(names, size), Arrays.copyOf(values, size));
    }
  }
}
