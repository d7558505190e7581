package dev.evertone.store;

import java.util.List;
import java.util.Map;

/** The registrations written behind the location service (see {@link StoredBinding}). */
public interface BindingRepository {
  /**
   * Makes the stored bindings of each address-of-record of {@code byAor} exactly the given ones (an empty
   * list removes them all), in one transaction.
   */
  void replace(Map<String, List<StoredBinding>> byAor);

  /** Every binding that has not expired at {@code now} (epoch milliseconds). */
  List<StoredBinding> live(long now);

  /** Removes the bindings that expired before {@code now}; returns how many. */
  int purgeExpired(long now);
}
