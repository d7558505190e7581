/**
 * The proxy (RFC 3261 section 16): requests between the devices of a domain and the outside world,
 * authenticated, forked to every registered contact of the target over the flow it registered on,
 * sent on by forwarding rules or through trunks to carriers, the best response sent back. {@link
 * dev.evertone.proxy.Proxy} is what the dispatcher calls; each class behind it has one reason to
 * change.
 */
@NullMarked
package dev.evertone.proxy;

import org.jspecify.annotations.NullMarked;
