package dev.evertone.store;

import java.util.List;

/** The change log, read by caches on every node to stay current without a restart. */
public interface ChangeFeed {

  /** The sequence number of the newest change (0 if none). */
  long latest();

  /** Changes after {@code seq}, oldest first, at most {@code max}. */
  List<Change> since(long seq, int max);

  /** Deletes changes older than {@code cutoffMillis} (epoch ms); returns how many. */
  int prune(long cutoffMillis);

  /**
   * Waits until a change may have been made, at most {@code timeoutMillis}: returns at once after a
   * write through this store, and after a write by any process on PostgreSQL (LISTEN/NOTIFY). A
   * SQLite file written by another process is noticed only when the wait times out, so callers
   * poll.
   */
  void awaitChange(long timeoutMillis) throws InterruptedException;
}
