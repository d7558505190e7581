package dev.evertone.conference;

import java.time.Instant;

/**
 * One party of a room as the admin API and the CLI show it.
 *
 * @param id the party's number in its room, for mute and kick
 * @param caller who called (the From address-of-record)
 * @param callId the SIP Call-ID of its leg
 * @param state {@code pin} (asked for the PIN), {@code joined}, {@code leaving}
 * @param muted whether the others hear it
 * @param joinedAt when its call arrived
 * @param packetsReceived RTP packets from the party
 * @param concealed 20 ms frames of its audio lost or late (concealed)
 */
public record ParticipantView(
    String id,
    String caller,
    String callId,
    String state,
    boolean muted,
    Instant joinedAt,
    long packetsReceived,
    long concealed) {}
