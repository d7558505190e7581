package dev.evertone.media;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of one event loop, and the one timer of that loop that closes those gone silent for
 * the media timeout (DESIGN.md: one scheduler per event loop). Used on its loop only.
 */
final class LoopSessions implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LoopSessions.class);

  private final EventLoop loop;
  private final long timeoutNanos;
  private final MediaListener listener;
  private final MediaMeters meters;
  private final List<RelaySession> sessions = new ArrayList<>();
  private final List<RelaySession> expired = new ArrayList<>();
  private final FrameClock clock;

  LoopSessions(EventLoop loop, long timeoutNanos, MediaListener listener, MediaMeters meters) {
    this.loop = loop;
    this.timeoutNanos = timeoutNanos;
    this.listener = listener;
    this.meters = meters;
    this.clock = new FrameClock(loop, meters);
  }

  /** The loop's 20 ms clock, for the legs that send evertone's own audio. */
  FrameClock clock() {
    return clock;
  }

  EventLoop loop() {
    return loop;
  }

  void add(RelaySession session) {
    sessions.add(session);
  }

  void remove(RelaySession session) {
    sessions.remove(session);
  }

  /**
   * How long a session may wait for its first packet: a call rings (Timer C, RFC 3261 16.6: more
   * than 3 minutes) and may be forwarded before anyone speaks, and its callee was already given the
   * relay's port; the media timeout counts from the first packet.
   */
  static final long SETUP_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

  /** Closes the sessions without a packet from either party for the media timeout. */
  @Override
  public void run() {
    long now = System.nanoTime();
    for (RelaySession s : sessions) {
      long limit = s.active() ? timeoutNanos : Math.max(timeoutNanos, SETUP_NANOS);
      if (now - s.lastActivityNanos() > limit) {
        expired.add(s);
      }
    }
    for (RelaySession s : expired) {
      s.closeOnLoop();
      meters.timedOut();
      log.info("call {}: no media for {} ms, session closed", s.callId(), timeoutNanos / 1_000_000);
      try {
        listener.mediaTimedOut(s);
      } catch (RuntimeException e) {
        log.warn("media timeout listener failed for call {}", s.callId(), e);
      }
    }
    expired.clear();
  }

  /** Closes every session (the relay is closing). */
  void closeAll() {
    for (RelaySession s : new ArrayList<>(sessions)) {
      s.closeOnLoop();
    }
  }
}
