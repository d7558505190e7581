package dev.evertone.registrar;

import dev.evertone.store.Change;
import dev.evertone.store.ChangeFeed;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the store's change log and drops the cached credentials it names, so that a device added, changed
 * or removed (by the CLI, another node, an import) takes effect within one poll, without a restart.
 */
public final class ChangeWatcher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ChangeWatcher.class);
  private static final int BATCH = 1000;

  private final ChangeFeed feed;
  private final CredentialCache cache;
  private long seen;
  private boolean failing;

  /** Starts from the newest change: what is cached afterwards was loaded after it. */
  public ChangeWatcher(ChangeFeed feed, CredentialCache cache) {
    this.feed = feed;
    this.cache = cache;
    this.seen = feed.latest();
  }

  @Override
  public synchronized void run() {
    try {
      List<Change> batch;
      do {
        batch = feed.since(seen, BATCH);
        for (Change c : batch) {
          cache.invalidate(c.domain(), Change.DEVICE.equals(c.entity()) ? c.username() : null);
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
}
