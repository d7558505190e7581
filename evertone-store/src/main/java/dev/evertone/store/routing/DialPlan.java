package dev.evertone.store.routing;

import dev.evertone.store.ValidationException;
import dev.evertone.store.Values;
import org.jspecify.annotations.Nullable;

/**
 * How the numbers a domain's users dial become E.164: {@code 0301234567} with national prefix 0 and
 * country code 49 is {@code +49301234567}; {@code 0044...} with international prefix 00 is {@code
 * +44...}.
 */
public record DialPlan(
    String domain, String countryCode, String nationalPrefix, String internationalPrefix) {
  public DialPlan {
    domain = Values.domain(domain);
    if (countryCode == null || !countryCode.matches("[1-9][0-9]{0,2}")) {
      throw new ValidationException(
          "country-code",
          "'" + countryCode + "' is not a country code; use 1-3 digits, e.g. 49 or 1");
    }
    if (nationalPrefix == null || !nationalPrefix.matches("[0-9]{0,4}")) {
      throw new ValidationException(
          "national-prefix", "'" + nationalPrefix + "' is not a prefix; use 0-4 digits, e.g. 0");
    }
    if (internationalPrefix == null || !internationalPrefix.matches("[0-9]{1,4}")) {
      throw new ValidationException(
          "international-prefix",
          "'" + internationalPrefix + "' is not a prefix; use 1-4 digits, e.g. 00 or 011");
    }
    if (internationalPrefix.equals(nationalPrefix)) {
      throw new ValidationException("international-prefix", "must differ from the national prefix");
    }
  }

  /**
   * The E.164 form of a dialled number, or null when it is not one (too short, or local without a
   * prefix). A number already in E.164 keeps its form; separators a phone may send (space, '-',
   * '.', '(', ')') are dropped.
   */
  public @Nullable String toE164(String dialled) {
    return toE164(dialled, this);
  }

  /** As {@link #toE164(String)}; with no plan only numbers written with '+' are understood. */
  public static @Nullable String toE164(String dialled, @Nullable DialPlan plan) {
    String d = dialled.replaceAll("[ .()\\-]", "");
    String e164;
    if (d.startsWith("+")) {
      e164 = d;
    } else if (plan == null || !d.matches("[0-9]+")) {
      return null;
    } else if (d.startsWith(plan.internationalPrefix)) {
      e164 = "+" + d.substring(plan.internationalPrefix.length());
    } else if (!plan.nationalPrefix.isEmpty() && d.startsWith(plan.nationalPrefix)) {
      e164 = "+" + plan.countryCode + d.substring(plan.nationalPrefix.length());
    } else if (plan.nationalPrefix.isEmpty() && d.length() >= 7) {
      e164 =
          "+" + plan.countryCode + d; // a plan without national prefix: a long number is national
    } else {
      return null;
    }
    return e164.matches("\\+[1-9][0-9]{6,14}") ? e164 : null;
  }
}
