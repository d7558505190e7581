package dev.evertone.media;

/**
 * How steadily an event loop's 20 ms clock ticked: each tick sends the frames of evertone's own
 * audio (music on hold, prompts) on that loop.
 *
 * @param ticks ticks so far
 * @param late ticks more than 5 ms after their due time (a GC pause, a busy loop)
 * @param maxLatenessMs the latest tick so far, in milliseconds after its due time
 */
public record ClockStats(long ticks, long late, double maxLatenessMs) {}
