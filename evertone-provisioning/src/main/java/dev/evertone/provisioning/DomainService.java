package dev.evertone.provisioning;

import static dev.evertone.provisioning.ProvisioningContext.count;

import dev.evertone.store.ConflictException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.DeleteDevice;
import dev.evertone.store.provisioning.ChangeSet.DeleteLine;
import dev.evertone.store.provisioning.ChangeSet.DeleteUser;
import dev.evertone.store.provisioning.Domain;
import dev.evertone.store.provisioning.DomainSize;
import dev.evertone.store.provisioning.ProvisioningState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Domains (tenants): listed with their sizes, added, and removed (with their devices if asked). */
final class DomainService {
  private final ProvisioningContext context;

  DomainService(ProvisioningContext context) {
    this.context = context;
  }

  List<DomainInfo> list() {
    Map<String, DomainSize> sizes = context.store().domains().sizes();
    List<DomainInfo> out = new ArrayList<>();
    for (Domain d : context.store().domains().list()) {
      DomainSize s = sizes.getOrDefault(d.name(), DomainSize.EMPTY);
      out.add(new DomainInfo(d.name(), d.createdAt(), s.users(), s.devices(), s.lines()));
    }
    return out;
  }

  DomainInfo add(String name) {
    String domain = Values.domain(name);
    if (context.store().domains().find(domain).isPresent()) {
      throw new ConflictException("domain " + domain + " already exists");
    }
    context.apply(ChangeSet.builder().addDomain(domain).audit("domain.add", domain, null));
    Domain d = context.store().domains().find(domain).orElseThrow();
    return new DomainInfo(d.name(), d.createdAt(), 0, 0, 0);
  }

  /** See {@link Provisioning#removeDomain}. */
  int remove(String name, boolean withDevices) {
    String domain = context.existingDomain(name);
    ProvisioningState state = context.store().provisioning().load(Set.of(domain));
    if (!withDevices && (!state.devices().isEmpty() || !state.users().isEmpty())) {
      throw new ConflictException(
          "domain "
              + domain
              + " still has "
              + count(state.devices().size(), "device")
              + " and "
              + count(state.users().size(), "user")
              + "; remove them first, or remove the domain with its devices (--with-devices)");
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    state.lines().forEach(l -> changes.line(new DeleteLine(l.id(), l.revision(), l.key())));
    state.devices().forEach(d -> changes.device(new DeleteDevice(d.id(), d.revision())));
    state.users().forEach(u -> changes.user(new DeleteUser(u.id(), u.revision())));
    context.apply(
        changes
            .removeDomain(domain)
            .audit(
                "domain.remove",
                domain,
                state.devices().isEmpty()
                    ? null
                    : "with "
                        + count(state.devices().size(), "device")
                        + ", "
                        + count(state.lines().size(), "line")
                        + " and "
                        + count(state.users().size(), "user")));
    return state.devices().size();
  }
}
