package dev.evertone.sdp;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Typed views of the attributes that can appear both at session level and in an m= section. A value
 * at media level overrides the session level; {@link SessionDescription} has methods that apply
 * that rule for a given m= section.
 */
public interface Attributed {

  /** Every {@code a=} line, in order, known or not. */
  List<Attribute> attributes();

  /** The first attribute named {@code name} (ignoring case), or null. */
  default @Nullable Attribute attribute(String name) {
    for (Attribute a : attributes()) {
      if (a.is(name)) {
        return a;
      }
    }
    return null;
  }

  /** Every attribute named {@code name} (ignoring case), in order. */
  default List<Attribute> attributes(String name) {
    return attributes().stream().filter(a -> a.is(name)).toList();
  }

  /** The value of the first attribute named {@code name}, or null (also for a property). */
  default @Nullable String attributeValue(String name) {
    Attribute a = attribute(name);
    return a == null ? null : a.value();
  }

  /** Whether an attribute named {@code name} is present. */
  default boolean hasAttribute(String name) {
    return attribute(name) != null;
  }

  /** The direction attribute written here, or null when there is none (RFC 8866 6.7). */
  default @Nullable Direction direction() {
    for (Attribute a : attributes()) {
      Direction d = Direction.fromAttributeName(a.name());
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  /** {@code a=ice-ufrag} (RFC 8839 5.4), or null. */
  default @Nullable String iceUfrag() {
    return attributeValue("ice-ufrag");
  }

  /** {@code a=ice-pwd} (RFC 8839 5.4), or null. */
  default @Nullable String icePwd() {
    return attributeValue("ice-pwd");
  }

  /** The tokens of {@code a=ice-options} (RFC 8839 5.6), such as {@code trickle}. */
  default List<String> iceOptions() {
    List<String> out = new ArrayList<>();
    for (Attribute a : attributes("ice-options")) {
      out.addAll(Fields.tokens(a.valueOrEmpty()));
    }
    return List.copyOf(out);
  }

  /** The first {@code a=fingerprint}, or null. */
  default @Nullable Fingerprint fingerprint() {
    List<Fingerprint> all = fingerprints();
    return all.isEmpty() ? null : all.get(0);
  }

  /** Every {@code a=fingerprint} (a peer may offer several hash functions). */
  default List<Fingerprint> fingerprints() {
    return TypedAttributes.typed(this, "fingerprint", Fingerprint::parse);
  }

  /** {@code a=setup}, or null. */
  default @Nullable Setup setup() {
    List<Setup> all = TypedAttributes.typed(this, "setup", Setup::parse);
    return all.isEmpty() ? null : all.get(0);
  }
}
