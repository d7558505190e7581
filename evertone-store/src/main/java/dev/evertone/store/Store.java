package dev.evertone.store;

import dev.evertone.store.admin.AdminTokenRepository;
import dev.evertone.store.audit.AuditLog;
import dev.evertone.store.calls.CallRecordRepository;
import dev.evertone.store.provisioning.CredentialRepository;
import dev.evertone.store.provisioning.DomainRepository;
import dev.evertone.store.provisioning.ProvisioningRepository;
import dev.evertone.store.registration.BindingRepository;
import dev.evertone.store.routing.RoutingRepository;
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

  CallRecordRepository calls();

  /** A short description for logs: the kind of database and where it is (no password). */
  String describe();

  @Override
  void close();
}
