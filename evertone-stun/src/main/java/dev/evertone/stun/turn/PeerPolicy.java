package dev.evertone.stun.turn;

import dev.evertone.stun.TurnConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * Which peers an allocation may reach, so that the relay cannot be used to reach internal networks
 * (RFC 8656 21.3): peers in loopback, private and other internal ranges are refused unless
 * configured, and a relay reaches only peers of its own address family (RFC 8656 9.1, 11.2).
 */
final class PeerPolicy {
  private final TurnConfig config;
  private final Counter refusedPeers;

  PeerPolicy(TurnConfig config, MeterRegistry meters) {
    this.config = config;
    this.refusedPeers =
        Counter.builder("evertone.turn.peers.refused")
            .description("Permissions refused: peers in denied ranges")
            .register(meters);
  }

  /**
   * Why a permission or channel to {@code peer} is refused, as the error response; null when it is
   * not: a peer of the relay's other address family (RFC 8656 9.1, 11.2: 443), or one in a denied
   * range (403).
   */
  byte @Nullable [] refusal(Allocation a, InetSocketAddress peer, TurnRequest r) {
    if (!a.sameFamily(peer.getAddress())) {
      return r.error(443, "Peer Address Family Mismatch");
    }
    if (!allowed(peer.getAddress())) {
      refusedPeers.increment();
      return r.error(403, "Forbidden: peer address in a denied range");
    }
    return null;
  }

  /**
   * RFC 8656 21.3: peers in loopback, unspecified, multicast and the IANA special-purpose ranges
   * that are not globally reachable (private, link-local, CGNAT, documentation, benchmarking...)
   * are refused.
   */
  boolean allowed(InetAddress peer) {
    if (peer.isLoopbackAddress()) {
      return config.allowLoopbackPeers();
    }
    if (peer.isAnyLocalAddress() || peer.isMulticastAddress()) {
      return false;
    }
    return config.allowPrivatePeers() || !SpecialRanges.contains(peer);
  }
}
