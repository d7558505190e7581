package dev.evertone.store.admin;

import dev.evertone.store.Actor;
import java.util.List;
import java.util.Optional;

/**
 * Admin API tokens. Only a hash of each token is stored; the token is shown once, when it is
 * created.
 */
public interface AdminTokenRepository {

  /**
   * Creates a token named {@code name} and returns it; {@link ConflictException} if the name is
   * taken.
   */
  String create(String name, Actor actor);

  List<AdminToken> list();

  /** Revokes the token named {@code name}; {@link NotFoundException} if there is none. */
  void revoke(String name, Actor actor);

  /** The name of the token {@code token}, if it is a valid one; records that it was used. */
  Optional<String> verify(String token);
}
