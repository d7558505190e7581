/**
 * Digest authentication (RFC 7616, RFC 8760): algorithms, stateless nonces, nonce-count replay
 * protection, verification, and the failure limiter that slows password guessing.
 */
package dev.evertone.sip.auth;
