package dev.evertone.media;

/**
 * Both legs' statistics, taken at one instant.
 *
 * @param a the caller's leg
 * @param b the callee's leg
 */
public record SessionStats(LegStats a, LegStats b) {}
