package dev.evertone.sdp;

import java.util.ArrayList;
import java.util.List;

/** List operations behind the {@code with...} methods: every result keeps the others' order. */
final class AttributeEdits {
  private AttributeEdits() {}

  /** {@code attribute} in place of the first of its name, the others of its name removed. */
  static List<Attribute> set(List<Attribute> attributes, Attribute attribute) {
    return replace(attributes, List.of(attribute.name()), attribute);
  }

  /** {@code replacement} in place of the first attribute named in {@code names}, others removed. */
  static List<Attribute> replace(
      List<Attribute> attributes, List<String> names, Attribute replacement) {
    return replaceAll(attributes, names, List.of(replacement));
  }

  /**
   * {@code replacements} in place of the first attribute named in {@code names} (appended when
   * there is none), the other attributes of those names removed.
   */
  static List<Attribute> replaceAll(
      List<Attribute> attributes, List<String> names, List<Attribute> replacements) {
    List<Attribute> out = new ArrayList<>();
    boolean placed = false;
    for (Attribute a : attributes) {
      if (named(a, names)) {
        if (!placed) {
          out.addAll(replacements);
          placed = true;
        }
      } else {
        out.add(a);
      }
    }
    if (!placed) {
      out.addAll(replacements);
    }
    return List.copyOf(out);
  }

  /** The attributes not named in {@code names}. */
  static List<Attribute> remove(List<Attribute> attributes, List<String> names) {
    return attributes.stream().filter(a -> !named(a, names)).toList();
  }

  private static boolean named(Attribute a, List<String> names) {
    for (String n : names) {
      if (a.is(n)) {
        return true;
      }
    }
    return false;
  }
}
