package dev.evertone.media;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * One leg's statistics at one instant. "Received" is what the leg's party sent to the relay and the
 * relay accepted; "sent" is what the relay sent to that party.
 *
 * @param latched the party's RTP address the leg latched on (RFC 4961), null before the first valid
 *     packet
 * @param packetsReceived RTP packets received from the party
 * @param bytesReceived their bytes (UDP payload)
 * @param rtcpReceived RTCP packets received from the party
 * @param packetsSent RTP packets sent to the party
 * @param bytesSent their bytes
 * @param rtcpSent RTCP packets sent to the party
 * @param expected RTP packets the party's sequence numbers say it sent (RFC 3550 A.3), summed over
 *     its SSRCs
 * @param lost those of them that never arrived (never negative: duplicates do not make it so)
 * @param jitterMs interarrival jitter of the party's stream (RFC 3550 A.8), in milliseconds; 0
 *     while its payload type's clock rate is unknown
 * @param ssrcChanges times the party's stream started over with a new SSRC
 * @param timestampJumps times its timestamps jumped against arrival times (a new timeline without a
 *     new SSRC), taken as a new reference rather than as jitter
 * @param malformed packets to the leg's ports that were not RTP or RTCP version 2
 * @param foreign packets to the leg's ports from an address that is not the party's
 * @param noRemote packets for the party dropped because its address was not known yet
 * @param sendFailed packets for the party the network refused (a full socket buffer, unreachable)
 * @param played RTP packets of evertone's own audio sent to the party (music on hold, a prompt)
 * @param replaced packets of the other party not sent to this one while it heard evertone's audio
 * @param relatched times the party's RTP moved to another port of its host after a silence (a NAT
 *     that gave it a new mapping)
 */
public record LegStats(
    @Nullable InetSocketAddress latched,
    long packetsReceived,
    long bytesReceived,
    long rtcpReceived,
    long packetsSent,
    long bytesSent,
    long rtcpSent,
    long expected,
    long lost,
    double jitterMs,
    long ssrcChanges,
    long timestampJumps,
    long malformed,
    long foreign,
    long noRemote,
    long sendFailed,
    long played,
    long replaced,
    long relatched) {

  /** The share of expected packets lost, 0 to 1. */
  public double lossFraction() {
    return expected <= 0 ? 0 : Math.min(1, (double) lost / expected);
  }

  /**
   * The estimated listening quality of the party's stream as a mean opinion score (1 to 4.5), from
   * its loss and jitter: see {@link EModel}.
   */
  public double mos() {
    return EModel.mos(lossFraction(), jitterMs);
  }
}
