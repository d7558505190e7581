package dev.evertone.status;

import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * A monitor that asks a condition: a certificate about to expire, a STUN probe failing, a cluster
 * node silent. The wiring (which knows those parts) supplies the check; the status page only needs
 * its reading.
 */
public final class ConditionMonitor implements Monitor {
  private final String name;
  private final String title;
  private final Map<String, ComponentStatus> components;
  private final Impact impact;
  private final Function<Instant, Reading> check;
  private final boolean perNode;

  /**
   * @param perNode see {@link Monitor#perNode()}
   */
  public ConditionMonitor(
      String name,
      String title,
      Map<String, ComponentStatus> components,
      Impact impact,
      boolean perNode,
      Function<Instant, Reading> check) {
    this.perNode = perNode;
    this.name = name;
    this.title = title;
    this.components = Map.copyOf(components);
    this.impact = impact;
    this.check = check;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public Map<String, ComponentStatus> components() {
    return components;
  }

  @Override
  public Impact impact() {
    return impact;
  }

  @Override
  public boolean perNode() {
    return perNode;
  }

  @Override
  public Reading read(Instant now) {
    return check.apply(now);
  }
}
