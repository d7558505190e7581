package dev.evertone.store;

import dev.evertone.store.status.StatusRepository;

/** The store: one database, its repositories. */
public interface Store extends AutoCloseable {
  DomainRepository domains();

  ProvisioningRepository provisioning();

  CredentialRepository credentials();

  AuditLog audit();

  AdminTokenRepository tokens();

  ChangeFeed changes();

  BindingRepository bindings();

  RoutingRepository routing();

  StatusRepository status();

  /** A short description for logs: the kind of database and where it is (no password). */
  String describe();

  @Override
  void close();
}
