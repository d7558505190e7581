package dev.evertone.stun.turn;

import dev.evertone.stun.StunEncoder;
import dev.evertone.stun.StunMessage;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * A TURN request whose long-term credentials were checked: where it came from, who sent it, and the
 * key its answers are signed with (RFC 8489 9.2.4: a response to an authenticated request carries
 * MESSAGE-INTEGRITY).
 */
final class TurnRequest {
  final Channel listener;
  final InetSocketAddress client;

  /** Whether the client is on a TCP or TLS connection rather than UDP. */
  final boolean stream;

  final StunMessage message;

  /** The user the allocation quota counts against (the REST user name's user part). */
  final String user;

  private final byte[] key;
  private final boolean fingerprint;

  TurnRequest(
      Channel listener,
      InetSocketAddress client,
      boolean stream,
      StunMessage message,
      String user,
      byte[] key,
      boolean fingerprint) {
    this.listener = listener;
    this.client = client;
    this.stream = stream;
    this.message = message;
    this.user = user;
    this.key = key;
    this.fingerprint = fingerprint;
  }

  FiveTuple fiveTuple() {
    return new FiveTuple(listener, client);
  }

  /** A success response to start from. */
  StunEncoder success() {
    return StunEncoder.responseTo(message, true);
  }

  /** An answer, signed, with a FINGERPRINT when the request had one. */
  byte[] signed(StunEncoder answer) {
    return answer.encode(key, fingerprint);
  }

  /** An error response, signed. */
  byte[] error(int code, String reason) {
    return signed(StunEncoder.responseTo(message, false).error(code, reason));
  }
}
