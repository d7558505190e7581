/**
 * The proxy (RFC 3261 section 16): requests between the devices of a domain, authenticated, forked
 * to every registered contact of the target over the flow it registered on, the best response sent
 * back.
 */
@NullMarked
package dev.evertone.proxy;

import org.jspecify.annotations.NullMarked;
