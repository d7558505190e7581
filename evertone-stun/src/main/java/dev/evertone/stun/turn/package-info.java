/**
 * The TURN relay (RFC 8656), by reason to change: {@link dev.evertone.stun.turn.TurnService} takes
 * what the STUN server's sockets receive and answers requests; {@link
 * dev.evertone.stun.turn.LongTermCredentials} authenticates them (static accounts and TURN REST
 * credentials, nonces, MESSAGE-INTEGRITY); {@link dev.evertone.stun.turn.PeerPolicy} decides which
 * peers may be reached; {@link dev.evertone.stun.turn.Allocations} makes, refreshes and expires
 * allocations within their quotas and port range; {@link dev.evertone.stun.turn.Permissions},
 * {@link dev.evertone.stun.turn.Relay}, {@link dev.evertone.stun.turn.PeerHandler} and {@link
 * dev.evertone.stun.turn.RelaySockets} relay the data: permissions and channels, Send and Data
 * indications, ChannelData, and the relay sockets themselves.
 */
@NullMarked
package dev.evertone.stun.turn;

import org.jspecify.annotations.NullMarked;
