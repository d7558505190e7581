package dev.evertone.media;

import io.netty.channel.EventLoop;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One event loop of the relay, for what must share it: the endpoint legs of a conference room and
 * its mixer live on one loop, so that the mixer reads each party's audio on the thread that
 * received it, without locks. A feature keeps its per-room state on the room's loop too ({@link
 * #execute}).
 */
public final class MediaLoop {
  /** How long {@link #call} waits for the loop. */
  private static final long WAIT_SECONDS = 5;

  private final EventLoop loop;
  private final FrameClock clock;

  MediaLoop(EventLoop loop, FrameClock clock) {
    this.loop = loop;
    this.clock = clock;
  }

  EventLoop eventLoop() {
    return loop;
  }

  FrameClock clock() {
    return clock;
  }

  /** Whether the calling thread is this loop's. */
  public boolean inLoop() {
    return loop.inEventLoop();
  }

  /** Runs {@code task} on the loop, now when called there, else soon; dropped once it stopped. */
  public void execute(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // the relay closed: nothing runs on its loops any more
    }
  }

  /** Runs {@code task} on the loop and returns its result; not to be called from another loop. */
  public <T> T call(Supplier<T> task) {
    if (loop.inEventLoop() || loop.isTerminated()) {
      return task.get();
    }
    try {
      return loop.submit(task::get).get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      return task.get(); // closed meanwhile: the state no longer changes
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the media I/O thread", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("media I/O thread failed: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the media I/O thread did not answer within " + WAIT_SECONDS + " s", e);
    }
  }
}
