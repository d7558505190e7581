package dev.evertone.sip.transaction;

import java.util.PriorityQueue;

/** A virtual clock: timers fire only when the test advances time. */
final class ManualTimers implements TimerService {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long seq;

  private final class Task implements Comparable<Task>, Timer {
    final long at;
    final long order = seq++;
    final Runnable run;
    boolean cancelled;

    Task(long at, Runnable run) {
      this.at = at;
      this.run = run;
    }

    @Override
    public int compareTo(Task o) {
      return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  @Override
  public Timer schedule(long delayMillis, Runnable task) {
    Task t = new Task(now + delayMillis, task);
    queue.add(t);
    return t;
  }

  @Override
  public long now() {
    return now;
  }

  /** Moves time forward, running every timer due on the way, in order. */
  void advance(long millis) {
    long end = now + millis;
    while (!queue.isEmpty() && queue.peek().at <= end) {
      Task t = queue.poll();
      now = t.at;
      if (!t.cancelled) {
        t.run.run();
      }
    }
    now = end;
  }
}
