package dev.evertone.media;

import io.netty.channel.Channel;

/** A leg's two bound sockets: RTP on an even port, RTCP on the odd port above (RFC 3550 11). */
record PortPair(int rtpPort, Channel rtp, Channel rtcp) {

  /** Closes both; on their event loop this is done when it returns. */
  void close() {
    var unusedRtp = rtp.close(); // nothing to wait for: on the loop the close is immediate
    var unusedRtcp = rtcp.close();
  }
}
