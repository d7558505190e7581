package dev.evertone.media;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 20 ms clock of one event loop (DESIGN.md: one scheduler per event loop): every leg that sends
 * audio of evertone's own (music on hold, a prompt) sends its next frame on its tick, so that all
 * of them share one timer and none allocates one. Ticks are counted against the monotonic clock
 * from the start: a tick that runs late (a GC pause, a busy loop) is followed at once by the ticks
 * missed meanwhile, so the frames sent keep pace with their RTP timestamps, and each tick's
 * lateness is measured ({@link ClockStats}). Used on its loop only, except {@link #stats()}.
 */
final class FrameClock implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(FrameClock.class);

  /** The packet interval of every stream evertone sends (RFC 3551 4.2: 20 ms by default). */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** A tick later than this counts as late (a receiver's jitter buffer hides less than ~40 ms). */
  static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /** Something that sends a frame each tick; false: it is done and leaves the clock. */
  interface Task {
    boolean tick(long nowNanos);
  }

  private final EventLoop loop;
  private final MediaMeters meters;
  private final List<Task> tasks = new ArrayList<>();
  private final List<Task> adding = new ArrayList<>();
  // removed while the clock runs its tasks (a prompt that ends stops its player from its own
  // tick): taken out after the round, so that the round's indices stay right
  private final List<Task> removing = new ArrayList<>();
  private boolean running;
  private long start;
  private long ticks;
  private io.netty.util.concurrent.@org.jspecify.annotations.Nullable ScheduledFuture<?> timer;
  // read by stats() from other threads
  private final AtomicLong late = new AtomicLong();
  private final AtomicLong maxLatenessNanos = new AtomicLong();
  private final AtomicLong totalTicks = new AtomicLong();

  FrameClock(EventLoop loop, MediaMeters meters) {
    this.loop = loop;
    this.meters = meters;
  }

  /** Adds {@code task} from its next tick; the clock starts with its first task. On the loop. */
  void add(Task task) {
    adding.add(task);
    if (timer == null) {
      start = System.nanoTime();
      ticks = 0;
      timer = loop.scheduleAtFixedRate(this, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  /** Removes {@code task}: it gets no further tick. On the loop. */
  void remove(Task task) {
    adding.remove(task);
    if (running) {
      removing.add(task);
    } else {
      tasks.remove(task);
    }
  }

  @Override
  public void run() {
    long now = System.nanoTime();
    ticks++;
    long lateness = now - (start + ticks * TICK_NANOS);
    totalTicks.incrementAndGet();
    if (lateness > LATE_NANOS) {
      late.incrementAndGet();
      meters.lateTick();
    }
    maxLatenessNanos.accumulateAndGet(lateness, Math::max);
    tasks.addAll(adding);
    adding.clear();
    running = true;
    try {
      for (int i = tasks.size() - 1; i >= 0; i--) {
        Task task = tasks.get(i);
        boolean more;
        if (removing.contains(task)) {
          more = false;
        } else {
          try {
            more = task.tick(now);
          } catch (RuntimeException e) {
            log.warn("a media sender failed on its tick and stops: {}", e.toString());
            more = false;
          }
        }
        if (!more) {
          tasks.remove(i);
        }
      }
    } finally {
      running = false;
      tasks.removeAll(removing);
      removing.clear();
    }
    if (tasks.isEmpty() && adding.isEmpty()) {
      // nothing to send: the timer stops until the next task (an idle relay does not wake up)
      var stopping = timer;
      timer = null;
      if (stopping != null) {
        stopping.cancel(false);
      }
    }
  }

  /** The clock's own timing so far. */
  ClockStats stats() {
    return new ClockStats(totalTicks.get(), late.get(), maxLatenessNanos.get() / 1_000_000.0);
  }
}
