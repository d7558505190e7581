package dev.evertone.media;

/** What became of a datagram that reached a relay socket: the {@code outcome} tag of the meters. */
enum Outcome {
  /** Sent on to the other party. */
  RELAYED("relayed"),
  /** Not RTP or RTCP version 2, or too short. */
  MALFORMED("malformed"),
  /** From an address that is not the party's (after latching, or before it from another host). */
  FOREIGN("foreign"),
  /** The other party's address was not known yet (no SDP from it). */
  NO_REMOTE("no_remote"),
  /** The network refused it on the way out. */
  SEND_FAILED("send_failed"),
  /** Not sent: the receiving party hears evertone's own audio (music on hold, a prompt) instead. */
  REPLACED("replaced");

  final String tag;

  Outcome(String tag) {
    this.tag = tag;
  }
}
