package dev.evertone.stun;

import java.time.Duration;

/**
 * Limits of the STUN server and its TURN relay that an operator may need to change.
 *
 * @param idleTimeout a TCP or TLS connection with no traffic for this long is closed (default 60 s)
 * @param tlsHandshakeTimeout a TLS client that has not finished its handshake by then is
 *     disconnected (default 10 s)
 * @param maxClientHelloBytes largest TLS ClientHello read to find the name the client asks for
 *     (SNI) and choose the certificate; a larger one fails the handshake (default 16,384: one TLS
 *     record)
 * @param receiveBufferBytes SO_RCVBUF of the listening UDP sockets, to absorb bursts (default 4
 *     MiB; the kernel caps it at net.core.rmem_max)
 * @param maxDatagramBytes with TURN on Linux, the largest datagram a listening UDP socket reads
 *     whole (several are read at once); a longer one is cut (default 4,096: above any path MTU, and
 *     a STUN message never needs more)
 * @param clientQueueBytes with TURN on Linux, what relays may queue for the clients of one
 *     listening UDP socket before it is flushed; above it, datagrams to clients are dropped until
 *     the queue is below half of it again (default 4 MiB)
 * @param nonceLifetime how long a nonce the TURN relay gives is good for; a request with an older
 *     one gets 438 Stale Nonce and a new one (RFC 8489 9.2; default 10 minutes)
 * @param relayDatagramBytes the largest datagram a TURN relay socket receives whole from a peer; a
 *     longer one is cut (default 2,048, Netty's own default for datagram channels: a full Ethernet
 *     frame's payload fits)
 */
public record StunLimits(
    Duration idleTimeout,
    Duration tlsHandshakeTimeout,
    int maxClientHelloBytes,
    int receiveBufferBytes,
    int maxDatagramBytes,
    int clientQueueBytes,
    Duration nonceLifetime,
    int relayDatagramBytes) {

  /** The defaults, as documented on each component. */
  public static final StunLimits DEFAULT =
      new StunLimits(
          Duration.ofSeconds(60),
          Duration.ofSeconds(10),
          16_384,
          4 << 20,
          4_096,
          4 << 20,
          Duration.ofMinutes(10),
          2_048);

  public StunLimits {
    positive("idleTimeout", idleTimeout);
    positive("tlsHandshakeTimeout", tlsHandshakeTimeout);
    atLeast("maxClientHelloBytes", maxClientHelloBytes, 512);
    atLeast("receiveBufferBytes", receiveBufferBytes, 4_096);
    atLeast("maxDatagramBytes", maxDatagramBytes, 576);
    atLeast("clientQueueBytes", clientQueueBytes, 65_536);
    positive("nonceLifetime", nonceLifetime);
    atLeast("relayDatagramBytes", relayDatagramBytes, 576);
  }

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  private static void atLeast(String name, int value, int least) {
    if (value < least) {
      throw new IllegalArgumentException(name + " must be at least " + least + ", was " + value);
    }
  }
}
