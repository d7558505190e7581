package dev.evertone.store.calls;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The call records. */
public interface CallRecordRepository {

  /** Stores a call that ended; returns its id. */
  long add(CallRecord record);

  /**
   * The calls that ended, newest setup first, at most {@code limit}; optionally only those of one
   * domain, or set up from {@code since} (inclusive) until {@code until} (exclusive).
   */
  List<CallRecord> list(
      @Nullable String domain, @Nullable Instant since, @Nullable Instant until, int limit);

  /** Deletes the calls set up before {@code before} (retention); returns how many. */
  int deleteBefore(Instant before);
}
