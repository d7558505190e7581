package dev.evertone.stun;

import org.jspecify.annotations.Nullable;

/**
 * Where and how the STUN server listens.
 *
 * @param host the address UDP, TCP and TLS listen on
 * @param port the UDP and TCP port; 0: a free one, the same for both
 * @param ioThreads I/O threads; on Linux also the number of UDP sockets sharing the port
 * @param tls the TLS port and its certificates, or null for none
 * @param limits timeouts and sizes
 */
public record StunServerConfig(
    String host,
    int port,
    int ioThreads,
    StunServer.@Nullable TlsListener tls,
    StunLimits limits) {}
