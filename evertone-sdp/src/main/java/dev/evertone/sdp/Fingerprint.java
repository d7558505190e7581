package dev.evertone.sdp;

import java.util.List;

/**
 * An {@code a=fingerprint} attribute (RFC 8122 5): the hash of the certificate a DTLS peer will
 * present, e.g. {@code sha-256 DE:8F:...}.
 *
 * @param hashFunction the hash function name as written ({@code sha-256}, {@code SHA-256})
 * @param value the hash as colon-separated upper- or lower-case hex pairs, as written
 */
public record Fingerprint(String hashFunction, String value) {

  public Fingerprint {
    Fields.token("fingerprint hash function", hashFunction);
    Fields.token("fingerprint", value);
  }

  /** The attribute as written. */
  public Attribute attribute() {
    return Attribute.of("fingerprint", hashFunction + " " + value);
  }

  /** Whether {@code other} is the same fingerprint (hash names and hex digits ignore case). */
  public boolean matches(Fingerprint other) {
    return hashFunction.equalsIgnoreCase(other.hashFunction) && value.equalsIgnoreCase(other.value);
  }

  /** Parses the value of an {@code a=fingerprint} attribute. */
  public static Fingerprint parse(String text) {
    List<String> t = Fields.tokens(text);
    if (t.size() != 2) {
      throw new IllegalArgumentException(
          "expected '<hash function> <hex pairs>', e.g. 'sha-256 DE:8F:...', was \"" + text + "\"");
    }
    return new Fingerprint(t.get(0), t.get(1));
  }
}
