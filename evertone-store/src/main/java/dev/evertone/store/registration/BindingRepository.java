package dev.evertone.store.registration;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The registrations written behind the location service (see {@link StoredBinding}). */
public interface BindingRepository {
  /**
   * Makes node {@code node}'s stored bindings of each address-of-record of {@code byAor} exactly
   * the given ones (an empty list removes them all), in one transaction. Other nodes' bindings of
   * the same AOR stay.
   */
  void replace(String node, Map<String, List<StoredBinding>> byAor);

  /** Every binding of {@code node} that has not expired at {@code now} (epoch milliseconds). */
  List<StoredBinding> live(String node, long now);

  /** The live bindings of {@code aors} registered on other nodes than {@code node}. */
  List<StoredBinding> elsewhere(String node, Collection<String> aors, long now);

  /** Says that {@code node} is alive now, and where other nodes reach it. */
  void heartbeat(ClusterNode node);

  /** Every node that ever said it was alive, with when it last did. */
  List<ClusterNode> nodes();

  /** Removes the bindings that expired before {@code now}; returns how many. */
  int purgeExpired(long now);
}
