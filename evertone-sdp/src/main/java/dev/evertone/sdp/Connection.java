package dev.evertone.sdp;

import java.util.List;

/**
 * A {@code c=} line (RFC 8866 5.7): where media is to be sent.
 *
 * @param netType {@code IN}
 * @param addrType {@code IP4} or {@code IP6}
 * @param address a unicast address or host name, or a multicast address with its TTL and count
 *     ({@code 233.252.0.1/127/2}), kept as written
 */
public record Connection(String netType, String addrType, String address) {

  public Connection {
    Fields.token("c= network type", netType);
    Fields.token("c= address type", addrType);
    Fields.token("c= address", address);
  }

  /** An Internet connection to {@code address}, IPv6 when it contains a colon. */
  public static Connection of(String address) {
    return new Connection("IN", address.indexOf(':') >= 0 ? "IP6" : "IP4", address);
  }

  /** The same connection to another address (same address type detection as {@link #of}). */
  public Connection withAddress(String newAddress) {
    return new Connection(netType, newAddress.indexOf(':') >= 0 ? "IP6" : "IP4", newAddress);
  }

  /**
   * Whether this is the {@code 0.0.0.0} address that RFC 2543 used to put a call on hold, still
   * sent by older phones (RFC 3264 8.4 asks answerers to understand it).
   */
  public boolean isHoldAddress() {
    return "IP4".equalsIgnoreCase(addrType) && "0.0.0.0".equals(address);
  }

  /** The text after {@code c=}. */
  public String line() {
    return netType + " " + addrType + " " + address;
  }

  static Connection parse(String text) {
    List<String> t = Fields.tokens(text);
    if (t.size() != 3) {
      throw new IllegalArgumentException(
          "expected 'IN IP4|IP6 <address>', e.g. 'IN IP4 192.0.2.1'");
    }
    return new Connection(t.get(0), t.get(1), t.get(2));
  }
}
