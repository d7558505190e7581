package dev.evertone.stun.turn;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The IANA special-purpose address ranges that are not globally reachable (RFC 6890; the IPv4 and
 * IPv6 Special-Purpose Address Registries), besides loopback, multicast and the unspecified address
 * that {@link InetAddress} knows: a relay must not reach into them (RFC 8656 21.3), whatever a
 * client asks. An IPv4-mapped IPv6 peer is an {@link java.net.Inet4Address} already.
 */
final class SpecialRanges {
  private static final List<Range> RANGES =
      List.of(
          // IPv4
          Range.of("0.0.0.0", 8), // "this network" (RFC 791)
          Range.of("10.0.0.0", 8), // private (RFC 1918)
          Range.of("100.64.0.0", 10), // shared address space, CGNAT (RFC 6598)
          Range.of("169.254.0.0", 16), // link-local (RFC 3927)
          Range.of("172.16.0.0", 12), // private (RFC 1918)
          Range.of("192.0.0.0", 24), // IETF protocol assignments (RFC 6890)
          Range.of("192.0.2.0", 24), // documentation, TEST-NET-1 (RFC 5737)
          Range.of("192.31.196.0", 24), // AS112-v4 (RFC 7535)
          Range.of("192.52.193.0", 24), // AMT (RFC 7450)
          Range.of("192.88.99.0", 24), // deprecated 6to4 relay anycast (RFC 7526)
          Range.of("192.168.0.0", 16), // private (RFC 1918)
          Range.of("192.175.48.0", 24), // direct delegation AS112 service (RFC 7534)
          Range.of("198.18.0.0", 15), // benchmarking (RFC 2544)
          Range.of("198.51.100.0", 24), // documentation, TEST-NET-2 (RFC 5737)
          Range.of("203.0.113.0", 24), // documentation, TEST-NET-3 (RFC 5737)
          Range.of("240.0.0.0", 4), // reserved, and the limited broadcast (RFC 1112, RFC 919)
          // IPv6
          Range.of("64:ff9b:1::", 48), // local-use IPv4/IPv6 translation (RFC 8215)
          Range.of("100::", 64), // discard-only (RFC 6666)
          Range.of("2001::", 23), // IETF protocol assignments, Teredo among them (RFC 2928)
          Range.of("2001:db8::", 32), // documentation (RFC 3849)
          Range.of("2002::", 16), // 6to4 (RFC 3056)
          Range.of("3fff::", 20), // documentation (RFC 9637)
          Range.of("5f00::", 16), // segment routing SIDs (RFC 9602)
          Range.of("fc00::", 7), // unique-local (RFC 4193)
          Range.of("fe80::", 10), // link-local (RFC 4291)
          Range.of(
              "fec0::",
              10)); // site-local, deprecated but still routed inside some sites (RFC 3879)

  private SpecialRanges() {}

  static boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    for (Range r : RANGES) {
      if (r.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /** A prefix: its first {@code bits} bits. */
  private static final class Range {
    private final byte[] prefix;
    private final int bits;

    private Range(byte[] prefix, int bits) {
      this.prefix = prefix;
      this.bits = bits;
    }

    static Range of(String literal, int bits) {
      try {
        return new Range(InetAddress.getByName(literal).getAddress(), bits);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an address literal: " + literal, e);
      }
    }

    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int whole = bits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (prefix[whole] & mask);
    }
  }
}
