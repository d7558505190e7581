/**
 * Call recording: {@link dev.evertone.recording.Recordings} starts a stereo WAV recording of an
 * anchored call (caller left, callee right) by policy ({@link
 * dev.evertone.recording.RecordingPolicy}, per domain) or on request, keeps each file's description
 * beside it, repairs what a crash cut off when the server starts, and lists, hands out, deletes and
 * expires recordings. The audio itself is made by {@code dev.evertone.media.CallRecorder}.
 */
@NullMarked
package dev.evertone.recording;

import org.jspecify.annotations.NullMarked;
