/**
 * STUN (RFC 8489): messages with their integrity and fingerprint, the Binding service, the server
 * on UDP, TCP and TLS with its limits and pipeline names, and the probe of the STUN and TURN
 * servers clients are told to use. The TURN relay is in {@link dev.evertone.stun.turn}.
 */
@NullMarked
package dev.evertone.stun;

import org.jspecify.annotations.NullMarked;
