package dev.evertone.registrar;

import dev.evertone.store.Change;
import dev.evertone.store.ChangeFeed;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the store's change log and tells each listener of every change: the credential cache drops
 * the accounts it names, the routing table reads trunks again..., so that a device added, changed
 * or removed (by the admin API, the CLI, another node, an import or a restore) takes effect without
 * a restart. Its thread wakes at once after a change through this process or, on PostgreSQL,
 * through any node; otherwise (a SQLite file written by another process) within one poll interval.
 */
public final class ChangeWatcher implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeWatcher.class);
  private static final int BATCH = 1000;

  private final ChangeFeed feed;
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private long seen;
  private boolean failing;
  private volatile boolean running;
  private @Nullable Thread thread;

  /** Starts from the newest change: what is cached afterwards was loaded after it. */
  public ChangeWatcher(ChangeFeed feed) {
    this.feed = feed;
    this.seen = feed.latest();
  }

  /**
   * Tells {@code listener} of every change read from now on, after the listeners added before it.
   */
  public ChangeWatcher listen(Consumer<Change> listener) {
    listeners.add(listener);
    return this;
  }

  /**
   * Starts a thread that reads the change log whenever a change is signalled, and at least every
   * {@code pollMillis}.
   */
  public synchronized ChangeWatcher start(long pollMillis) {
    running = true;
    Thread t =
        new Thread(
            () -> {
              while (running) {
                try {
                  feed.awaitChange(pollMillis);
                } catch (InterruptedException e) {
                  return;
                }
                run();
              }
            },
            "change-watcher");
    t.setDaemon(true);
    thread = t;
    t.start();
    return this;
  }

  @Override
  public synchronized void run() {
    try {
      List<Change> batch;
      do {
        batch = feed.since(seen, BATCH);
        for (Change c : batch) {
          for (Consumer<Change> l : listeners) {
            l.accept(c);
          }
          seen = c.seq();
        }
      } while (batch.size() == BATCH);
      if (failing) {
        log.info("reading the change log works again");
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) {
        log.warn(
            "cannot read the change log; cached credentials may be stale until it works: {}",
            e.getMessage());
        failing = true;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
    }
  }
}
