package dev.evertone.media;

import dev.evertone.media.audio.G711;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Something that reads a copy of a party's RTP as the relay passes it on (a recording): told of
 * every valid packet from the party, on the event loop, before the packet is relayed. It must not
 * keep, change or release the buffer, nor block: relayed packets are never delayed.
 */
interface RtpTap {
  /**
   * A packet of {@code length} bytes at {@code at} of {@code content} from {@code leg}'s party;
   * {@code law} is the G.711 law its payload type names in SDP, null for another codec.
   */
  void packet(RelayLeg leg, ByteBuf content, int at, int length, @Nullable G711 law);
}
