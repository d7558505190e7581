package dev.evertone.store.routing;

import dev.evertone.store.ValidationException;
import dev.evertone.store.Values;

/**
 * A number (DID) a carrier delivers to evertone: calls to it from a trunk of {@code domain} ring
 * {@code extension}, and calls from that extension to a trunk show it as the caller's number.
 *
 * @param number E.164 with the plus, e.g. {@code +4930123456}
 */
public record PhoneNumber(String number, String domain, String extension) {
  public PhoneNumber {
    number = e164(number);
    domain = Values.domain(domain);
    extension = Values.extension(extension);
  }

  /** An E.164 number: a plus and 7 to 15 digits, the first not 0 (ITU-T E.164). */
  public static String e164(String value) {
    if (value == null || !value.matches("\\+[1-9][0-9]{6,14}")) {
      throw new ValidationException(
          "number",
          "'"
              + value
              + "' is not an E.164 number; write it as + country code and number, e.g. +4930123456");
    }
    return value;
  }
}
