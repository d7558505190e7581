package dev.evertone.media;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The RTP stream one party receives from the relay, kept one continuous stream when evertone's own
 * audio (music on hold, a prompt) takes turns with the other party's: the same SSRC, sequence
 * numbers that follow on, timestamps that follow the clock (RFC 3550 5.1). Phones' jitter buffers
 * take a new SSRC or a timestamp from another timeline badly (baresip drops such frames as "old"),
 * so once evertone has sent its own frames, every relayed packet to the party is rewritten into the
 * stream the party already hears, as rtpengine's SSRC translation does. Until then relayed packets
 * pass untouched. On the event loop only; nothing is allocated per packet.
 */
final class OutgoingStream {
  private boolean started;
  private int ssrc;
  private int lastSequence;
  private int lastTimestamp;
  private long lastNanos;
  private boolean lastOwn;
  // after evertone's own frames: relayed packets are rewritten by these offsets
  private boolean translating;
  private boolean resync;
  private int inSsrc;
  private int sequenceOffset;
  private int timestampOffset;

  /**
   * A relayed RTP packet at {@code at} of {@code b} on its way to the party, sent with clock rate
   * {@code clockRate}: rewritten in place once evertone has sent its own frames.
   */
  void relayed(ByteBuf b, int at, int clockRate, long nowNanos) {
    int sequence = RtpPackets.sequence(b, at);
    int timestamp = RtpPackets.timestamp(b, at);
    int source = RtpPackets.ssrc(b, at);
    if (translating) {
      if (resync || source != inSsrc) {
        // the other party's stream comes back (or restarts): it continues where the party's
        // stream is, in time as well as in sequence
        inSsrc = source;
        resync = false;
        sequenceOffset = lastSequence + 1 - sequence;
        timestampOffset = lastTimestamp + elapsed(nowNanos, clockRate) - timestamp;
      }
      sequence = (sequence + sequenceOffset) & 0xffff;
      timestamp += timestampOffset;
      b.setShort(at + 2, sequence);
      b.setInt(at + 4, timestamp);
      b.setInt(at + 8, ssrc);
    } else {
      ssrc = source;
    }
    started = true;
    lastOwn = false;
    lastSequence = sequence;
    lastTimestamp = timestamp;
    lastNanos = nowNanos;
  }

  /**
   * Writes the RTP header (RFC 3550 5.1) of evertone's next own frame of {@code samples} samples at
   * 8 kHz into {@code packet}: the next of the party's stream.
   */
  void own(ByteBuf packet, int payloadType, boolean marker, int samples, long nowNanos) {
    if (!started) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      ssrc = random.nextInt();
      lastSequence = random.nextInt(1 << 16);
      lastTimestamp = random.nextInt();
      lastNanos = nowNanos;
      lastOwn = true;
      started = true;
    }
    int sequence = (lastSequence + 1) & 0xffff;
    int timestamp = lastTimestamp + (lastOwn ? samples : elapsed(nowNanos, 8000));
    packet.setByte(0, 0x80);
    packet.setByte(1, (marker ? 0x80 : 0) | payloadType);
    packet.setShort(2, sequence);
    packet.setInt(4, timestamp);
    packet.setInt(8, ssrc);
    translating = true;
    resync = true;
    lastOwn = true;
    lastSequence = sequence;
    lastTimestamp = timestamp;
    lastNanos = nowNanos;
  }

  /** The time since the last packet in units of {@code clockRate}: at least one 20 ms frame. */
  private int elapsed(long nowNanos, int clockRate) {
    long ticks = (nowNanos - lastNanos) * clockRate / 1_000_000_000L;
    return (int) Math.max(clockRate / 50, Math.min(ticks, Integer.MAX_VALUE / 2));
  }
}
