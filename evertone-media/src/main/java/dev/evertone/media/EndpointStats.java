package dev.evertone.media;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link EndpointLeg} counted.
 *
 * @param latched the party's address learnt from its first packet, or null before it
 * @param packetsReceived RTP packets from the party
 * @param packetsSent RTP packets evertone sent it
 * @param rtcpReceived RTCP packets (read and dropped)
 * @param malformed datagrams that were not RTP
 * @param foreign packets from anyone but the party
 * @param dtmf key presses (RFC 4733)
 * @param late packets that came after their time had played
 * @param concealed 20 ms frames concealed (lost or late)
 * @param silentMs milliseconds since the party's last packet
 */
public record EndpointStats(
    @Nullable InetSocketAddress latched,
    long packetsReceived,
    long packetsSent,
    long rtcpReceived,
    long malformed,
    long foreign,
    long dtmf,
    long late,
    long concealed,
    long silentMs) {}
