package dev.evertone.status;

import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Something evertone measures about itself that can open an incident: when {@link #read} says
 * failing, {@link AutoIncidents} declares one with this monitor's title, components and impact.
 */
public interface Monitor {

  /** What a monitor found at one moment. */
  record Reading(boolean failing, String summary, List<String> tenants) {
    public Reading {
      tenants = List.copyOf(tenants);
    }

    public static Reading ok(String summary) {
      return new Reading(false, summary, List.of());
    }

    public static Reading failing(String summary) {
      return new Reading(true, summary, List.of());
    }
  }

  /**
   * A short stable name, e.g. {@code registration}: the incident remembers which monitor opened it.
   */
  String name();

  /** The incident's name, e.g. "SIP registrations failing". */
  String title();

  /** The components an incident of this monitor affects, and the status it gives them. */
  Map<String, ComponentStatus> components();

  Impact impact();

  /**
   * Whether this monitor measures one node (its registrations, its certificates): on a cluster each
   * node then keeps its own incident for it, so that a healthy node does not resolve what another
   * still sees failing. False for what every node reads alike from the shared database (imports,
   * the list of nodes).
   */
  default boolean perNode() {
    return true;
  }

  Reading read(Instant now);
}
