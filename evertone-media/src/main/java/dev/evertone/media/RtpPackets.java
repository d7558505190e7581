package dev.evertone.media;

import io.netty.buffer.ByteBuf;

/** What the relay reads of RTP and RTCP headers (RFC 3550 5.1, 6.4), without copying. */
final class RtpPackets {
  /** RFC 3550 5.1: the fixed RTP header. */
  static final int RTP_HEADER = 12;

  /** RFC 3550 6.4.2: an empty receiver report, the shortest RTCP packet. */
  static final int RTCP_HEADER = 8;

  /** RFC 3551 clock rates of the static payload types (0: none assigned or unknown). */
  private static final int[] STATIC_CLOCK_RATES = new int[128];

  static {
    // RFC 3551 6, tables 4 and 5
    for (int pt : new int[] {0, 3, 4, 5, 7, 8, 9, 12, 13, 15, 18}) {
      STATIC_CLOCK_RATES[pt] = 8_000; // G.722 (9) too: RFC 3551 4.5.2
    }
    STATIC_CLOCK_RATES[6] = 16_000;
    STATIC_CLOCK_RATES[10] = 44_100;
    STATIC_CLOCK_RATES[11] = 44_100;
    STATIC_CLOCK_RATES[14] = 90_000;
    STATIC_CLOCK_RATES[16] = 11_025;
    STATIC_CLOCK_RATES[17] = 22_050;
    for (int pt : new int[] {25, 26, 28, 31, 32, 33, 34}) {
      STATIC_CLOCK_RATES[pt] = 90_000;
    }
  }

  private RtpPackets() {}

  /** A fresh table of clock rates by payload type, the static ones filled in. */
  static int[] clockRates() {
    return STATIC_CLOCK_RATES.clone();
  }

  /**
   * Whether the datagram at {@code at} is RTCP by its second byte: RTCP packet types 192-223 are
   * RTP payload types 64-95 with the marker bit, which RTP must not use (RFC 5761 4).
   */
  static boolean looksLikeRtcp(ByteBuf b, int at, int length) {
    if (length < 2) {
      return false;
    }
    int type = b.getUnsignedByte(at + 1);
    return type >= 192 && type <= 223;
  }

  /**
   * Whether {@code length} bytes at {@code at} hold an RTP header of version 2 (RFC 3550 5.1) with
   * room for its CSRC list, or, when {@code rtcp}, an RTCP header of version 2 (RFC 3550 6.4).
   */
  static boolean valid(ByteBuf b, int at, int length, boolean rtcp) {
    if (length < (rtcp ? RTCP_HEADER : RTP_HEADER)) {
      return false;
    }
    int first = b.getUnsignedByte(at);
    if (first >> 6 != 2) {
      return false;
    }
    return rtcp || RTP_HEADER + 4 * (first & 0x0f) <= length;
  }

  static int payloadType(ByteBuf b, int at) {
    return b.getUnsignedByte(at + 1) & 0x7f;
  }

  static int sequence(ByteBuf b, int at) {
    return b.getUnsignedShort(at + 2);
  }

  static int timestamp(ByteBuf b, int at) {
    return b.getInt(at + 4);
  }

  static int ssrc(ByteBuf b, int at) {
    return b.getInt(at + 8);
  }

  /**
   * Where the payload starts: after the fixed header, the CSRC list and a header extension (RFC
   * 3550 5.3.1: its length in 32-bit words follows its profile word); -1 if it runs past the end.
   */
  static int headerLength(ByteBuf b, int at, int length) {
    int first = b.getUnsignedByte(at);
    int header = RTP_HEADER + 4 * (first & 0x0f);
    if ((first & 0x10) != 0) {
      if (header + 4 > length) {
        return -1;
      }
      header += 4 + 4 * b.getUnsignedShort(at + header + 2);
    }
    return header <= length ? header : -1;
  }
}
