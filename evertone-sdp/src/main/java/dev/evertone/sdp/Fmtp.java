package dev.evertone.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@code a=fmtp} attribute (RFC 8866 6.15): format parameters for one payload type, e.g. {@code
 * 101 0-15} or {@code 111 minptime=10;useinbandfec=1}.
 *
 * @param format the format (payload type number for RTP) the parameters belong to
 * @param parameters the parameters as written
 */
public record Fmtp(String format, String parameters) {

  public Fmtp {
    Fields.token("fmtp format", format);
    parameters = Fields.text("fmtp parameters", parameters).strip();
  }

  /**
   * The parameters as {@code name=value} pairs separated by semicolons, in order; a part without
   * {@code =} (such as the event list {@code 0-15}) maps to "".
   */
  public Map<String, String> parameterMap() {
    Map<String, String> out = new LinkedHashMap<>();
    int start = 0;
    while (start <= parameters.length()) {
      int semi = parameters.indexOf(';', start);
      int end = semi < 0 ? parameters.length() : semi;
      String part = parameters.substring(start, end).strip();
      if (!part.isEmpty()) {
        int eq = part.indexOf('=');
        if (eq < 0) {
          out.put(part, "");
        } else {
          out.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
      }
      if (semi < 0) {
        break;
      }
      start = semi + 1;
    }
    return Collections.unmodifiableMap(out);
  }

  /** The attribute value. */
  public String value() {
    return parameters.isEmpty() ? format : format + " " + parameters;
  }

  /** The attribute as written. */
  public Attribute attribute() {
    return Attribute.of("fmtp", value());
  }

  /** Parses the value of an {@code a=fmtp} attribute. */
  public static Fmtp parse(String value) {
    String format = Fields.firstWord(value.strip());
    if (format.isEmpty()) {
      throw new IllegalArgumentException(
          "expected '<format> <parameters>', e.g. '101 0-15', was \"" + value + "\"");
    }
    return new Fmtp(format, Fields.afterFirstBlank(value.strip()));
  }
}
