package dev.evertone.store;

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

  /** A short description for logs: the kind of database and where it is (no password). */
  String describe();

  @Override
  void close();
}
