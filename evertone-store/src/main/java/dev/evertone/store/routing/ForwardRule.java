package dev.evertone.store.routing;

import dev.evertone.store.ValidationException;
import dev.evertone.store.Values;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where calls to an extension go instead of, or after, its devices.
 *
 * @param target another extension of the domain, or a number (as dialled, or E.164) reached through
 *     the domain's trunks, e.g. the user's cell phone
 * @param afterSeconds for {@link Kind#NO_ANSWER}: how long the devices ring first (find-me)
 */
public record ForwardRule(
    String domain, String extension, Kind kind, String target, @Nullable Integer afterSeconds) {

  /** When a rule applies. */
  public enum Kind {
    /** every call, the devices do not ring */
    ALWAYS,
    /** no device of the extension is registered */
    UNREGISTERED,
    /** the devices answered busy (486, 600) */
    BUSY,
    /** no device answered within {@code afterSeconds} (or none could be reached) */
    NO_ANSWER;

    /**
     * The name in the API, CLI and store: {@code always}, {@code unregistered}, {@code busy},
     * {@code no-answer}.
     */
    public String lowerName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Kind parse(String value) {
      for (Kind k : values()) {
        if (k.lowerName().equals(value)) {
          return k;
        }
      }
      throw new ValidationException(
          "kind",
          "'" + value + "' is not a forwarding kind; use always, unregistered, busy or no-answer");
    }
  }

  public ForwardRule {
    domain = Values.domain(domain);
    extension = Values.extension(extension);
    if (kind == null) {
      throw new ValidationException("kind", "must be always, unregistered, busy or no-answer");
    }
    target = target(target);
    if (target.equals(extension)) {
      throw new ValidationException("target", "an extension cannot forward to itself");
    }
    if (kind == Kind.NO_ANSWER) {
      if (afterSeconds == null || afterSeconds < 5 || afterSeconds > 300) {
        throw new ValidationException("after", "no-answer needs the seconds to ring first, 5-300");
      }
    } else if (afterSeconds != null) {
      throw new ValidationException(
          "after", "only no-answer rings first; leave it out for " + kind.lowerName());
    }
  }

  /** Whether {@code target} is a number (dialled or E.164) rather than an extension name. */
  public static boolean isNumber(String target) {
    return target.matches("\\+?[0-9]{3,32}");
  }

  private static String target(String value) {
    if (value == null || value.isEmpty()) {
      throw new ValidationException("target", "must name an extension or a number");
    }
    return isNumber(value) ? value : Values.extension(value);
  }
}
