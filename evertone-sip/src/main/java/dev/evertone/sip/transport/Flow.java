package dev.evertone.sip.transport;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The socket a message arrived on: a UDP socket (any peer may be addressed through it) or one
 * stream connection. Responses and requests to the same peer go back through it, so that they leave
 * from the address the peer talks to (NAT traversal, RFC 3581 and RFC 5626).
 */
public interface Flow {
  TransportType transport();

  /** The local address of the socket. */
  InetSocketAddress localAddress();

  /** Whether messages can still be sent through it (a closed connection cannot). */
  boolean isOpen();

  /**
   * Sends octets to {@code remote}; a stream connection ignores {@code remote} and sends to its
   * peer. Failures are reported to {@code onFailure} (never thrown), on an I/O thread.
   */
  void send(byte[] bytes, @Nullable InetSocketAddress remote, SendFailureHandler onFailure);

  /** Closes a stream connection; no effect on a UDP socket. */
  void close();

  /** Called when a message could not be sent. */
  @FunctionalInterface
  interface SendFailureHandler {
    SendFailureHandler IGNORE = cause -> {};

    void onFailure(Throwable cause);
  }
}
