/**
 * Audio as evertone decodes and makes it: codecs (G.711, ITU-T G.711 / RFC 3551 4.5.14), clips
 * loaded from WAV files (prompts, music on hold) and stereo recordings written to disk. Everything
 * here is 8 kHz, 16-bit linear PCM between codecs, in 20 ms frames of 160 samples.
 */
@NullMarked
package dev.evertone.media.audio;

import org.jspecify.annotations.NullMarked;
