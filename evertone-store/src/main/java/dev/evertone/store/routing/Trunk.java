package dev.evertone.store.routing;

import dev.evertone.store.ValidationException;
import dev.evertone.store.Values;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A SIP trunk to a carrier, for the calls of one domain to numbers outside it. Several trunks of a
 * domain are tried in {@code priority} order (lowest first) until one takes the call.
 *
 * @param host the carrier's address: an IP address or a host name (resolved when the trunks are
 *     loaded)
 * @param transport {@code udp} or {@code tcp}
 * @param username the carrier account evertone answers digest challenges with (null: the carrier
 *     knows us by address)
 * @param hasSecret whether a password is stored for {@code username}
 * @param numberFormat how the called number is written in the Request-URI the carrier receives
 * @param registerInterval seconds between REGISTERs evertone sends the carrier for inbound calls;
 *     0: none
 */
public record Trunk(
    String domain,
    String name,
    String host,
    int port,
    String transport,
    @Nullable String username,
    boolean hasSecret,
    int priority,
    NumberFormat numberFormat,
    int registerInterval) {

  /**
   * {@code e164}: {@code +4930123456}; {@code digits}: {@code 4930123456} (some carriers want no
   * plus).
   */
  public enum NumberFormat {
    E164,
    DIGITS;

    public String lowerName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static NumberFormat parse(String value) {
      for (NumberFormat f : values()) {
        if (f.lowerName().equals(value)) {
          return f;
        }
      }
      throw new ValidationException(
          "number-format", "'" + value + "' is not a number format; use e164 or digits");
    }
  }

  public Trunk {
    domain = Values.domain(domain);
    if (name == null || !name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
      throw new ValidationException(
          "name",
          "'" + name + "' is not a trunk name; use 1-64 lower-case letters, digits and '-'");
    }
    host = host(host);
    if (port < 1 || port > 65535) {
      throw new ValidationException("port", port + " is not a port; use 1-65535");
    }
    if (!"udp".equals(transport) && !"tcp".equals(transport)) {
      throw new ValidationException(
          "transport", "'" + transport + "' is not a trunk transport; use udp or tcp");
    }
    if (username != null) {
      username = Values.authUser(username);
    }
    if (priority < 0 || priority > 1000) {
      throw new ValidationException(
          "priority", priority + " is out of range; use 0-1000 (lower is tried first)");
    }
    if (numberFormat == null) {
      throw new ValidationException("number-format", "must be e164 or digits");
    }
    if (registerInterval != 0 && (registerInterval < 60 || registerInterval > 86_400)) {
      throw new ValidationException(
          "register-interval",
          registerInterval + " s is out of range; use 60-86400, or 0 not to register");
    }
  }

  /** An IPv4 or IPv6 address, or a host name. */
  static String host(String value) {
    if (value == null || value.isEmpty()) {
      throw new ValidationException("host", "must not be empty");
    }
    String v =
        value.startsWith("[") && value.endsWith("]")
            ? value.substring(1, value.length() - 1)
            : value;
    if (v.indexOf(':') >= 0) {
      if (!v.matches("[0-9A-Fa-f:.]{2,45}")) {
        throw new ValidationException("host", "'" + value + "' is not an IPv6 address");
      }
      return v.toLowerCase(Locale.ROOT);
    }
    try {
      return Values.domain(v);
    } catch (ValidationException e) {
      throw new ValidationException("host", "'" + value + "' is not a host name or IP address");
    }
  }
}
