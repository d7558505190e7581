package dev.evertone.status;

import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.IncidentStatus;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An incident to declare.
 *
 * @param status its first status; null: investigating
 * @param body the first update, what is known
 * @param components the components it affects and the status it gives them
 */
public record NewIncident(
    String name,
    @Nullable IncidentStatus status,
    Impact impact,
    String body,
    Map<String, ComponentStatus> components) {

  public NewIncident {
    components = Map.copyOf(components);
  }
}
