package dev.evertone.registrar;

import dev.evertone.store.Change;
import dev.evertone.store.ChangeFeed;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the store's change log and drops the cached credentials it names, so that a device added, changed
 * or removed (by the admin API, the CLI, another node, an import or a restore) takes effect without a
 * restart. Its thread wakes at once after a change through this process or, on PostgreSQL, through any
 * node; otherwise (a SQLite file written by another process) within one poll interval.
 */
public final class ChangeWatcher implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeWatcher.class);
  private static final int BATCH = 1000;

  private final ChangeFeed feed;
  private final CredentialCache cache;
  private final Consumer<Change> others;
  private long seen;
  private boolean failing;
  private volatile boolean running;
  private Thread thread;

  /** Starts from the newest change: what is cached afterwards was loaded after it. */
  public ChangeWatcher(ChangeFeed feed, CredentialCache cache) {
    this(feed, cache, change -> { });
  }

  /** @param others told of every change after the credential cache has seen it (the proxy's routing follows it) */
  public ChangeWatcher(ChangeFeed feed, CredentialCache cache, Consumer<Change> others) {
    this.feed = feed;
    this.cache = cache;
    this.others = others;
    this.seen = feed.latest();
  }

  /** Starts a thread that reads the change log whenever a change is signalled, and at least every {@code pollMillis}. */
  public synchronized ChangeWatcher start(long pollMillis) {
    running = true;
    thread = new Thread(() -> {
      while (running) {
        try {
          feed.awaitChange(pollMillis);
        } catch (InterruptedException e) {
          return;
        }
        run();
      }
    }, "change-watcher");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  @Override
  public synchronized void run() {
    try {
      List<Change> batch;
      do {
        batch = feed.since(seen, BATCH);
        for (Change c : batch) {
          if (Change.CREDENTIAL.equals(c.entity()) || Change.DOMAIN.equals(c.entity())) {
            cache.invalidate(c.domain(), Change.CREDENTIAL.equals(c.entity()) ? c.username() : null);
          }
          others.accept(c);
          seen = c.seq();
        }
      } while (batch.size() == BATCH);
      if (failing) {
        log.info("reading the change log works again");
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) {
        log.warn("cannot read the change log; cached credentials may be stale until it works: {}", e.getMessage());
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
