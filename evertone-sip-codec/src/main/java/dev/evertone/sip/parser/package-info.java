/**
 * From octets to messages: datagram and stream framing (RFC 3261 18.3), start line and header
 * parsing under configurable size limits, and the validation every message passes before a
 * transaction sees it. Conformance is tested with the messages of RFC 4475 and RFC 5118.
 */
package dev.evertone.sip.parser;
