/**
 * URIs as SIP carries them: SIP and SIPS (RFC 3261 19.1, with the comparison rules of 19.1.4), TEL
 * (RFC 3966) and opaque URIs of other schemes.
 */
package dev.evertone.sip.uri;
