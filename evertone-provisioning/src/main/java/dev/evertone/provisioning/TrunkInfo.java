package dev.evertone.provisioning;

import dev.evertone.store.routing.Trunk;
import org.jspecify.annotations.Nullable;

/** A trunk as the API and CLI show it: never its password, only whether one is set. */
public record TrunkInfo(
    String domain,
    String name,
    String host,
    int port,
    String transport,
    @Nullable String username,
    boolean passwordSet,
    int priority,
    String numberFormat,
    int registerInterval) {

  static TrunkInfo of(Trunk t) {
    return new TrunkInfo(
        t.domain(),
        t.name(),
        t.host(),
        t.port(),
        t.transport(),
        t.username(),
        t.hasSecret(),
        t.priority(),
        t.numberFormat().lowerName(),
        t.registerInterval());
  }
}
