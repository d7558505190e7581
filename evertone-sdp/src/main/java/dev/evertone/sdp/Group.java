package dev.evertone.sdp;

import java.util.List;

/**
 * An {@code a=group} attribute (RFC 5888 5): m= sections grouped by their {@code a=mid}, such as
 * {@code BUNDLE 0 1 2} (RFC 9143: one transport for all of them).
 *
 * @param semantics {@code BUNDLE}, {@code LS}, {@code FID}...
 * @param mids the identification tags of the grouped m= sections, in order
 */
public record Group(String semantics, List<String> mids) {

  public Group {
    Fields.token("group semantics", semantics);
    mids = List.copyOf(mids);
    mids.forEach(m -> Fields.token("group mid", m));
  }

  /** Whether this is a BUNDLE group. */
  public boolean isBundle() {
    return "BUNDLE".equalsIgnoreCase(semantics);
  }

  /** The attribute as written. */
  public Attribute attribute() {
    return Attribute.of(
        "group", mids.isEmpty() ? semantics : semantics + " " + String.join(" ", mids));
  }

  /** Parses the value of an {@code a=group} attribute. */
  public static Group parse(String text) {
    List<String> t = Fields.tokens(text);
    if (t.isEmpty()) {
      throw new IllegalArgumentException("expected '<semantics> <mid> ...', e.g. 'BUNDLE 0 1'");
    }
    return new Group(t.get(0), t.subList(1, t.size()));
  }
}
