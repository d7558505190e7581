package dev.evertone.provisioning;

import dev.evertone.store.routing.ForwardRule;
import org.jspecify.annotations.Nullable;

/** A forwarding rule as the API and CLI show it. */
public record ForwardInfo(
    String domain, String extension, String kind, String target, @Nullable Integer afterSeconds) {

  static ForwardInfo of(ForwardRule r) {
    return new ForwardInfo(
        r.domain(), r.extension(), r.kind().lowerName(), r.target(), r.afterSeconds());
  }
}
