package dev.evertone.sip.transport;

import java.time.Duration;

/**
 * Limits of stream connections (TCP, TLS, WS and WSS) besides the SIP parser's ({@link
 * dev.evertone.sip.parser.ParseLimits}): how long a TLS client may take to say hello, how large the
 * HTTP request that opens a WebSocket may be, how many connections may wait to be accepted, how
 * long an outgoing connection may take.
 *
 * @param tlsHandshakeTimeout a TLS or WSS client that has not finished its handshake by then is
 *     disconnected (default 10 s)
 * @param maxClientHelloBytes largest TLS ClientHello read to find the name the client asks for
 *     (SNI) and choose the certificate; a larger one fails the handshake (default 16,384: one TLS
 *     record)
 * @param maxUpgradeLineBytes longest request line of the HTTP request that upgrades a connection to
 *     a WebSocket (RFC 7118 4.1; default 4,096); its headers are bounded by the SIP header limit
 * @param maxUpgradeChunkBytes largest piece of an upgrade request's body the HTTP decoder reads at
 *     a time (default 8,192)
 * @param maxUpgradeContentBytes largest body of an upgrade request (it needs none; default 8,192);
 *     a larger one is refused
 * @param acceptBacklog connections the kernel queues for a listening TCP, TLS, WS or WSS socket
 *     until they are accepted (SO_BACKLOG, default 1,024; the kernel may lower it to somaxconn)
 * @param connectTimeout an outgoing TCP connection not established by then fails (default 5 s)
 * @param maxConnectionsPerSource most open incoming connections from one address (default 256), so
 *     that one source cannot take every slot
 * @param messageTimeout a SIP message (TCP, TLS) or WebSocket upgrade that has started arriving but
 *     is incomplete after this long closes its connection (default 20 s): a slow sender must not
 *     hold a connection slot ("slowloris")
 */
public record StreamLimits(
    Duration tlsHandshakeTimeout,
    int maxClientHelloBytes,
    int maxUpgradeLineBytes,
    int maxUpgradeChunkBytes,
    int maxUpgradeContentBytes,
    int acceptBacklog,
    Duration connectTimeout,
    int maxConnectionsPerSource,
    Duration messageTimeout) {

  /** The defaults, as documented on each component. */
  public static final StreamLimits DEFAULT =
      new StreamLimits(
          Duration.ofSeconds(10),
          16_384,
          4096,
          8192,
          8192,
          1024,
          Duration.ofSeconds(5),
          256,
          Duration.ofSeconds(20));

  public StreamLimits {
    positive("tlsHandshakeTimeout", tlsHandshakeTimeout);
    atLeast("maxClientHelloBytes", maxClientHelloBytes, 512);
    atLeast("maxUpgradeLineBytes", maxUpgradeLineBytes, 256);
    atLeast("maxUpgradeChunkBytes", maxUpgradeChunkBytes, 256);
    atLeast("maxUpgradeContentBytes", maxUpgradeContentBytes, 0);
    atLeast("acceptBacklog", acceptBacklog, 1);
    positive("connectTimeout", connectTimeout);
    atLeast("maxConnectionsPerSource", maxConnectionsPerSource, 1);
    positive("messageTimeout", messageTimeout);
    if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "connectTimeout must be at most " + Integer.MAX_VALUE + " ms, was " + connectTimeout);
    }
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
