/**
 * Conference rooms evertone answers itself: a device of a domain dials a room's number and its call
 * becomes a {@link dev.evertone.proxy.SipLeg}; after an optional PIN (keys, RFC 4733 or SIP INFO)
 * it joins the room's {@link dev.evertone.media.Mixer}, where everyone hears everyone but
 * themselves. {@link dev.evertone.conference.Conferences} is the service the admin API and the CLI
 * list, mute and kick through.
 */
@NullMarked
package dev.evertone.conference;

import org.jspecify.annotations.NullMarked;
