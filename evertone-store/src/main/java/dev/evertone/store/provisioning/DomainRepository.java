package dev.evertone.store.provisioning;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SIP domains (tenants), read side. Domains are added and removed through a {@link ChangeSet}. */
public interface DomainRepository {

  List<Domain> list();

  Optional<Domain> find(String name);

  /** The users, devices and lines of every domain that has any, by domain name. */
  Map<String, DomainSize> sizes();
}
