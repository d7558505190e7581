package dev.evertone.media;

import io.netty.buffer.ByteBuf;

/**
 * RFC 4733 telephone-events of one stream turned into key presses: each press told once, however
 * many packets repeat it. Used on its event loop only.
 */
final class KeyPresses {
  private static final String EVENTS = "0123456789*#ABCDF";

  // the timestamp of the last event told (each key press has its own, RFC 4733 2.5.1.3)
  private long lastEventTimestamp = -1;

  /**
   * The key of an RFC 4733 event packet (2.3: event, E/R/volume, duration after the RTP header)
   * when it starts a new press, else 0: a new press is a new timestamp, newer than the last (RFC
   * 1982 serial arithmetic, so that a late packet of an earlier press is not a key); events beyond
   * flash (16) are not keys.
   */
  char press(ByteBuf content, int at, int length) {
    int header = RtpPackets.headerLength(content, at, length);
    if (header < 0 || length - header < 4) {
      return 0;
    }
    int event = content.getUnsignedByte(at + header);
    long timestamp = RtpPackets.timestamp(content, at) & 0xffffffffL;
    long ahead = (timestamp - lastEventTimestamp) & 0xffffffffL;
    if (event >= EVENTS.length()
        || (lastEventTimestamp >= 0 && (ahead == 0 || ahead >= 0x80000000L))) {
      return 0;
    }
    lastEventTimestamp = timestamp;
    return EVENTS.charAt(event);
  }
}
