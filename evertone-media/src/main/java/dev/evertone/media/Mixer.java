package dev.evertone.media;

import dev.evertone.media.audio.AudioClip;
import dev.evertone.media.audio.MixMinus;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A conference's audio: every 20 ms, on the tick of its loop's {@link FrameClock}, one frame of
 * each party is taken from its jitter buffer, all are summed once, and each party is sent the sum
 * without its own frame ({@link MixMinus}), so that everyone hears everyone but themselves. A muted
 * party hears the others and adds nothing; a party to whom a clip plays (a prompt, music) is sent
 * the clip instead. Every party's {@link EndpointLeg} must live on the mixer's loop.
 *
 * <p>Its own timing is measured: a tick more than 5 ms after its time (a GC pause, an overloaded
 * loop) makes every frame of that tick late ({@link #lateFrames()}).
 */
public final class Mixer {
  private final MediaLoop loop;
  private final @Nullable Counter lateCounter;
  private final Task task = new Task();
  // on the loop only
  private final List<Party> parties = new ArrayList<>();
  private final int[] sum = new int[AudioClip.FRAME];
  private final short[] out = new short[AudioClip.FRAME];
  private boolean ticking;
  private long start;
  private long ticks;
  // read from any thread
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong late = new AtomicLong();

  private static final class Party {
    final EndpointLeg leg;
    final short[] frame = new short[AudioClip.FRAME];
    boolean muted;
    boolean has;

    Party(EndpointLeg leg) {
      this.leg = leg;
    }
  }

  /**
   * @param loop the loop of every party's leg
   * @param lateFrames counts the frames of late ticks, or null
   */
  public Mixer(MediaLoop loop, @Nullable Counter lateFrames) {
    this.loop = loop;
    this.lateCounter = lateFrames;
  }

  /** The loop it mixes on. */
  public MediaLoop loop() {
    return loop;
  }

  /** {@code leg} joins the mix from the next tick: it hears the others and they hear it. */
  public void add(EndpointLeg leg) {
    if (leg.loop() != loop) {
      throw new IllegalArgumentException(leg + " lives on another loop than its mixer");
    }
    loop.execute(
        () -> {
          if (find(leg) == null) {
            parties.add(new Party(leg));
          }
          if (!ticking) {
            ticking = true;
            start = System.nanoTime();
            ticks = 0;
            loop.clock().add(task);
          }
        });
  }

  /** {@code leg} leaves the mix. */
  public void remove(EndpointLeg leg) {
    loop.execute(() -> parties.removeIf(p -> p.leg == leg));
  }

  /** Whether {@code leg} adds its audio to the mix (unmuted) or only hears it (muted). */
  public void mute(EndpointLeg leg, boolean muted) {
    loop.execute(
        () -> {
          Party p = find(leg);
          if (p != null) {
            p.muted = muted;
          }
        });
  }

  /** The parties mixed now. */
  public int size() {
    return loop.call(parties::size);
  }

  /** Frames mixed and sent so far (one per party per tick). */
  public long frames() {
    return frames.get();
  }

  /** Frames of ticks that ran more than 5 ms late. */
  public long lateFrames() {
    return late.get();
  }

  /** Everyone leaves; the mixer stops ticking. */
  public void close() {
    loop.execute(parties::clear);
  }

  private @Nullable Party find(EndpointLeg leg) {
    for (Party p : parties) {
      if (p.leg == leg) {
        return p;
      }
    }
    return null;
  }

  /** On the loop: one frame for everyone. */
  void mix(long nowNanos) {
    ticks++;
    int n = parties.size();
    Arrays.fill(sum, 0);
    for (int i = 0; i < n; i++) {
      Party p = parties.get(i);
      // the frame is taken even when muted: the buffer keeps pace with the party
      boolean heard = p.leg.isOpen() && p.leg.nextFrame(p.frame);
      p.has = heard && !p.muted;
      if (p.has) {
        MixMinus.add(p.frame, sum);
      }
    }
    for (int i = 0; i < n; i++) {
      Party p = parties.get(i);
      if (p.leg.isOpen() && !p.leg.playingOnLoop()) {
        MixMinus.without(sum, p.has ? p.frame : null, out);
        p.leg.sendFrame(out);
      }
    }
    frames.addAndGet(n);
    if (nowNanos - (start + ticks * FrameClock.TICK_NANOS) > FrameClock.LATE_NANOS) {
      late.addAndGet(n);
      if (lateCounter != null) {
        lateCounter.increment(n);
      }
    }
  }

  private final class Task implements FrameClock.Task {
    @Override
    public boolean tick(long nowNanos) {
      if (parties.isEmpty()) {
        ticking = false; // an empty room costs nothing until someone joins
        return false;
      }
      mix(nowNanos);
      return true;
    }
  }
}
