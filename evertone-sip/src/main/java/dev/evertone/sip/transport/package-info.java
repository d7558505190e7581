/**
 * The transport layer (RFC 3261 18) on Netty: UDP sockets and TCP connections, stream framing with
 * keep-alives, response routing (RFC 3581), and the one place where protocol errors become answers
 * or drops.
 */
package dev.evertone.sip.transport;
