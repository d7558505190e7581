package dev.evertone.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Helpers for the typed views of attributes. */
final class TypedAttributes {
  private TypedAttributes() {}

  /** Every attribute named {@code name}, parsed; a bad value is an {@link SdpException}. */
  static <T> List<T> typed(Attributed owner, String name, Function<String, T> parser) {
    List<T> out = new ArrayList<>();
    for (Attribute a : owner.attributes(name)) {
      out.add(parse(a, parser));
    }
    return List.copyOf(out);
  }

  /** One attribute, parsed; a bad value is an {@link SdpException}. */
  static <T> T parse(Attribute a, Function<String, T> parser) {
    try {
      return parser.apply(a.valueOrEmpty());
    } catch (IllegalArgumentException e) {
      throw new SdpException(0, "a=" + a.name(), String.valueOf(e.getMessage()));
    }
  }
}
