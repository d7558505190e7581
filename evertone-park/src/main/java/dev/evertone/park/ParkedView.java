package dev.evertone.park;

import java.time.Instant;

/**
 * An occupied slot as the admin API and the CLI show it.
 *
 * @param lot the lot, {@code EXTENSION@DOMAIN}
 * @param slot the slot number, what a phone dials to grab the call
 * @param party who is parked (the From address-of-record of its call)
 * @param callId the SIP Call-ID of the parked call
 * @param parker who parked it: the Referred-By of a transferred call, else the caller itself
 * @param since when it was parked
 */
public record ParkedView(
    String lot, String slot, String party, String callId, String parker, Instant since) {}
