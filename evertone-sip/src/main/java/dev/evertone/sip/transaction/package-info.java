/**
 * The transaction layer (RFC 3261 17, RFC 6026): client and server, INVITE and non-INVITE state
 * machines with timers A to M, and the compact store that answers retransmissions during Timer J.
 */
package dev.evertone.sip.transaction;
