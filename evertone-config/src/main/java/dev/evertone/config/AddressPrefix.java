package dev.evertone.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An IP address or CIDR prefix as configuration writes it ({@code 10.0.0.0/8}, {@code ::1}): never
 * a host name, so that reading one never waits for DNS.
 */
public final class AddressPrefix {
  private final byte[] network;
  private final int bits;

  private AddressPrefix(byte[] network, int bits) {
    this.network = network;
    this.bits = bits;
  }

  /** Whether {@code text} is an IP address or a CIDR prefix. */
  public static boolean isValid(String text) {
    return parse(text) != null;
  }

  /**
   * The prefix {@code text} writes.
   *
   * @throws IllegalArgumentException if it is not an address or a prefix
   */
  public static AddressPrefix of(String text) {
    AddressPrefix p = parse(text);
    if (p == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or a CIDR prefix");
    }
    return p;
  }

  private static @Nullable AddressPrefix parse(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    byte[] address = literal(slash < 0 ? t : t.substring(0, slash));
    if (address == null) {
      return null;
    }
    int bits = address.length * 8;
    if (slash >= 0) {
      String b = t.substring(slash + 1);
      if (!b.matches("[0-9]{1,3}") || Integer.parseInt(b) > bits) {
        return null;
      }
      bits = Integer.parseInt(b);
    }
    return new AddressPrefix(address, bits);
  }

  /** The bytes of an address literal, or null for anything else (a name is never looked up). */
  static byte @Nullable [] literal(String written) {
    String text =
        written.startsWith("[") && written.endsWith("]")
            ? written.substring(1, written.length() - 1)
            : written;
    boolean v4 = text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    boolean v6 = text.contains(":") && text.matches("[0-9a-fA-F:.]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      byte[] a = InetAddress.getByName(text).getAddress();
      return v4 && Arrays.stream(text.split("\\.")).anyMatch(p -> Integer.parseInt(p) > 255)
          ? null
          : a;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Whether {@code address} (an address literal) lies in this prefix. */
  public boolean contains(String address) {
    byte[] a = literal(address);
    if (a == null || a.length != network.length) {
      return false;
    }
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[whole] & mask) == (network[whole] & mask);
  }
}
