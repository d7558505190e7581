package dev.evertone.store.status;

import dev.evertone.store.ValidationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Reads the lower-case wire names of the status enums, with an error that lists the valid ones. */
final class Wire {
  private Wire() {}

  static <E extends Enum<E>> E parse(Class<E> type, String field, String wire) {
    for (E e : type.getEnumConstants()) {
      if (e.name().toLowerCase(Locale.ROOT).equals(wire)) {
        return e;
      }
    }
    throw new ValidationException(
        field,
        "'"
            + wire
            + "' is not one of "
            + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
  }
}
