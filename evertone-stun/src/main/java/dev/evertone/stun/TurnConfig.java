package dev.evertone.stun;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The TURN relay (RFC 8656): who may allocate, and within which limits.
 *
 * @param realm the REALM of the long-term credentials
 * @param users static accounts (user name to password)
 * @param secrets shared secrets of the TURN REST convention (user name {@code expiry:user},
 *     password the base64 HMAC-SHA1 of the user name); several at once so that a secret can be
 *     rotated
 * @param relayHost the address relayed transport addresses are allocated on
 * @param relayHostIpv6 the IPv6 address IPv6 relayed addresses are allocated on
 *     (REQUESTED-ADDRESS-FAMILY IPv6, RFC 8656 7.2); null: IPv6 relays are refused with 440
 * @param minPort lowest relay port; {@code maxPort} the highest
 * @param maxLifetimeSeconds longest allocation lifetime granted (default lifetime: 600 s or less)
 * @param perUserAllocations allocations one user may hold at once; {@code totalAllocations} the
 *     server
 * @param allowLoopbackPeers whether peers on loopback addresses may be reached (tests only)
 * @param allowPrivatePeers whether peers in private, link-local and other internal ranges may be
 *     reached
 * @param bytesPerSecond relayed bytes per second per allocation, both directions together; 0:
 *     unlimited
 * @param advertisedAddress the address clients are told their relay is at when relays are bound to
 *     every address (behind a 1:1 NAT, the public one); null: the address the server sends from
 *     towards the client
 */
public record TurnConfig(
    String realm,
    Map<String, String> users,
    List<String> secrets,
    String relayHost,
    @Nullable String relayHostIpv6,
    int minPort,
    int maxPort,
    int maxLifetimeSeconds,
    int perUserAllocations,
    int totalAllocations,
    boolean allowLoopbackPeers,
    boolean allowPrivatePeers,
    long bytesPerSecond,
    @Nullable InetAddress advertisedAddress) {

  public TurnConfig {
    users = Map.copyOf(users);
    secrets = List.copyOf(secrets);
    if (minPort < 1024 || maxPort > 65535 || minPort > maxPort) {
      throw new IllegalArgumentException(
          "the relay port range must be within 1024-65535, low to high");
    }
    if (maxLifetimeSeconds < 600) {
      throw new IllegalArgumentException(
          "the longest allocation lifetime must be at least 600 s (RFC 8656 7.2)");
    }
  }
}
