package dev.evertone.stun.turn;

import dev.evertone.stun.StunAttributes;
import dev.evertone.stun.StunException;
import dev.evertone.stun.StunMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * CreatePermission (RFC 8656 9) and ChannelBind (RFC 8656 12) requests: which peers an allocation
 * may exchange data with, and the channel numbers that stand for them in ChannelData.
 */
final class Permissions {
  /** RFC 8656 9: a permission lasts 300 s unless refreshed. */
  static final long PERMISSION_MILLIS = 300_000;

  /** RFC 8656 12: a channel binding lasts 10 minutes unless refreshed. */
  static final long CHANNEL_MILLIS = 600_000;

  private final Allocations allocations;
  private final PeerPolicy policy;
  private final Clock clock;

  Permissions(Allocations allocations, PeerPolicy policy, Clock clock) {
    this.allocations = allocations;
    this.policy = policy;
    this.clock = clock;
  }

  byte[] createPermission(TurnRequest r) throws StunException {
    Allocation a = allocations.get(r.listener, r.client);
    if (a == null) {
      return r.error(437, "Allocation Mismatch");
    }
    StunMessage m = r.message;
    List<InetAddress> peers = new ArrayList<>();
    for (StunMessage.Attribute attr : m.attributes()) {
      if (attr.type() == StunAttributes.XOR_PEER_ADDRESS) {
        InetSocketAddress peer = m.xorAddress(attr);
        byte[] refused = policy.refusal(a, peer, r);
        if (refused != null) {
          return refused;
        }
        peers.add(peer.getAddress());
      }
    }
    if (peers.isEmpty()) {
      return r.error(400, "Bad Request: XOR-PEER-ADDRESS is needed");
    }
    long until = clock.millis() + PERMISSION_MILLIS;
    peers.forEach(p -> a.permissions.put(p, until));
    return r.signed(r.success());
  }

  byte[] channelBind(TurnRequest r) throws StunException {
    Allocation a = allocations.get(r.listener, r.client);
    if (a == null) {
      return r.error(437, "Allocation Mismatch");
    }
    StunMessage m = r.message;
    StunMessage.Attribute number = m.attribute(StunAttributes.CHANNEL_NUMBER);
    StunMessage.Attribute peerAttr = m.attribute(StunAttributes.XOR_PEER_ADDRESS);
    if (number == null || number.value().length != 4 || peerAttr == null) {
      return r.error(400, "Bad Request: CHANNEL-NUMBER and XOR-PEER-ADDRESS are needed");
    }
    int channel = ((number.value()[0] & 0xff) << 8) | (number.value()[1] & 0xff);
    // RFC 8656 12 allows 0x4000-0x4FFF; RFC 5766 clients (coturn's among them) still use up to
    // 0x7FFF, which ChannelData framing tells apart just as well (its first two bits are 01)
    if (channel < 0x4000 || channel > 0x7FFF) {
      return r.error(400, "Bad Request: channel numbers are 0x4000-0x7FFF");
    }
    InetSocketAddress peer = m.xorAddress(peerAttr);
    byte[] refused = policy.refusal(a, peer, r);
    if (refused != null) {
      return refused;
    }
    InetSocketAddress bound = a.channels.get(channel);
    Integer other = a.channelOf.get(peer);
    if ((bound != null && !bound.equals(peer)) || (other != null && other != channel)) {
      return r.error(400, "Bad Request: channel or peer already bound otherwise");
    }
    long now = clock.millis();
    a.channels.put(channel, peer);
    a.channelOf.put(peer, channel);
    a.channelExpiry.put(channel, now + CHANNEL_MILLIS);
    a.permissions.put(peer.getAddress(), now + PERMISSION_MILLIS);
    return r.signed(r.success());
  }
}
