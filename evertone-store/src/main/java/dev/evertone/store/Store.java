package dev.evertone.store;

/** The store: one database, its repositories. */
public interface Store extends AutoCloseable {
  DomainRepository domains();

  DeviceRepository devices();

  ChangeFeed changes();

  /** A short description for logs: the kind of database and where it is (no password). */
  String describe();

  @Override
  void close();
}
