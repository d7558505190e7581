package dev.evertone.provisioning;

import dev.evertone.store.NotFoundException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A line's credential: its secret replaced (given or generated), and every version it had. Restores
 * of many at once are {@link RestoreService}'s.
 */
final class CredentialService {
  private final ProvisioningContext context;

  CredentialService(ProvisioningContext context) {
    this.context = context;
  }

  SecretChanged setSecret(String domainName, String authUser, @Nullable String secret) {
    String value = secret == null ? Secrets.generate() : Values.secret(secret);
    String domain = context.existingDomain(domainName);
    DomainSnapshot s = context.snapshot(domain);
    Line l = s.existingLine(authUser);
    context.apply(
        ChangeSet.builder()
            .line(
                new UpdateLine(
                    l.id(),
                    l.revision(),
                    l.key(),
                    l.deviceId(),
                    l.lineNo(),
                    new Plain(value),
                    HistoryEntry.CHANGED))
            .audit("credential.set", l.key().toString(), secret == null ? "generated" : null));
    return new SecretChanged(
        domain, l.authUser(), secret == null ? value : null, context.clock().instant());
  }

  List<CredentialVersion> history(String domainName, String authUser) {
    LineKey key = new LineKey(Values.domain(domainName), Values.authUser(authUser));
    List<HistoryEntry> entries = context.store().credentials().history(key);
    if (entries.isEmpty()) {
      throw new NotFoundException("line " + key + " has no history: it never existed");
    }
    return entries.stream()
        .map(
            e ->
                new CredentialVersion(
                    e.changedAt(),
                    e.change(),
                    e.actor(),
                    e.batchId(),
                    e.secretHash() == null ? null : e.secretHash().substring(0, 12)))
        .toList();
  }
}
