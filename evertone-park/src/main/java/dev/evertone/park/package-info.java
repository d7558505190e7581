/**
 * Call park and grab evertone answers itself: a call to a domain's park extension (dialled, or the
 * INVITE a phone sends after a REFER, RFC 3515) becomes a {@link dev.evertone.proxy.SipLeg} that
 * waits in the lot's first free slot, hearing where it is and music on hold; a device of the domain
 * dialling the slot is answered and bridged with it (a two-party {@link dev.evertone.media.Mixer}).
 * {@link dev.evertone.park.Parking} is the service the admin API and the CLI list through.
 */
@NullMarked
package dev.evertone.park;

import org.jspecify.annotations.NullMarked;
