package dev.evertone.store;

import java.util.List;
import java.util.Optional;

/** SIP domains. */
public interface DomainRepository {

  /** Adds a domain (lower-cased); fails with {@link ConflictException} if it exists. */
  Domain add(String name);

  List<Domain> list();

  Optional<Domain> find(String name);

  /**
   * Removes a domain. Fails with {@link ConflictException} if it still has devices, unless
   * {@code withDevices} is set, in which case they are removed too; {@link NotFoundException} if absent.
   *
   * @return how many devices were removed with it
   */
  int remove(String name, boolean withDevices);
}
