package dev.evertone.conference;

import java.util.List;

/**
 * A room as the admin API and the CLI show it.
 *
 * @param room {@code NUMBER@DOMAIN}
 * @param domain its domain
 * @param number the number dialled
 * @param pin whether a PIN is asked for (never the PIN itself)
 * @param participants who is in it now
 * @param frames 20 ms frames mixed and sent since the room opened
 * @param lateFrames of those, the frames of ticks that ran more than 5 ms late
 */
public record ConferenceView(
    String room,
    String domain,
    String number,
    boolean pin,
    List<ParticipantView> participants,
    long frames,
    long lateFrames) {}
