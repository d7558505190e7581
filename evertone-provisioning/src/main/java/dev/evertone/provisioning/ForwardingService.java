package dev.evertone.provisioning;

import dev.evertone.store.NotFoundException;
import dev.evertone.store.Values;
import dev.evertone.store.routing.ForwardRule;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The forwarding rules of an extension: where a call goes when it is unregistered, busy, does not
 * answer, or always.
 */
final class ForwardingService {
  private final ProvisioningContext context;

  ForwardingService(ProvisioningContext context) {
    this.context = context;
  }

  /** The rules of one extension, or of the whole domain (by extension) when it is null. */
  List<ForwardInfo> rules(String domainName, @Nullable String extension) {
    String d = context.existingDomain(domainName);
    String e = extension == null ? null : Values.extension(extension);
    return context.store().routing().forwardRules().stream()
        .filter(r -> r.domain().equals(d) && (e == null || r.extension().equals(e)))
        .sorted(java.util.Comparator.comparing(ForwardRule::extension))
        .map(ForwardInfo::of)
        .toList();
  }

  ForwardInfo set(
      String domainName,
      String extension,
      String kind,
      String target,
      @Nullable Integer afterSeconds) {
    ForwardRule r =
        new ForwardRule(domainName, extension, ForwardRule.Kind.parse(kind), target, afterSeconds);
    context.store().routing().putForwardRule(r, context.actor());
    return ForwardInfo.of(r);
  }

  void remove(String domainName, String extension, String kind) {
    String d = context.existingDomain(domainName);
    ForwardRule.Kind k = ForwardRule.Kind.parse(kind);
    if (!context.store().routing().removeForwardRule(d, extension, k, context.actor())) {
      throw new NotFoundException(extension + "@" + d + " has no " + k.lowerName() + " forwarding");
    }
  }
}
