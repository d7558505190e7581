package dev.evertone.store.routing;

import dev.evertone.store.Actor;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Trunks, numbers, forwarding rules and dial plans. Every write checks that the domain (and an
 * extension it names) exists, is audited, and is announced in the change log (entity {@link
 * #CHANGE}) so that every node reloads its routing.
 */
public interface RoutingRepository {
  /** The change log entity of routing changes. */
  String CHANGE = "routing";

  /** Every trunk of every domain, by domain, priority and name. */
  List<Trunk> trunks();

  /**
   * Adds or replaces a trunk. {@code secret}: the new password; null keeps the stored one (none for
   * a new trunk).
   */
  void putTrunk(Trunk trunk, @Nullable String secret, Actor actor);

  /** Removes a trunk; false if there was none. */
  boolean removeTrunk(String domain, String name, Actor actor);

  /** The decrypted password of a trunk, or null. */
  @Nullable String trunkSecret(String domain, String name);

  /** Every number, by number. */
  List<PhoneNumber> numbers();

  /** Adds a number, or points it to another extension. */
  void putNumber(PhoneNumber number, Actor actor);

  boolean removeNumber(String number, Actor actor);

  /** Every forwarding rule, by domain, extension and kind. */
  List<ForwardRule> forwardRules();

  /** Sets the rule of its kind for its extension (one per kind). */
  void putForwardRule(ForwardRule rule, Actor actor);

  boolean removeForwardRule(String domain, String extension, ForwardRule.Kind kind, Actor actor);

  List<DialPlan> dialPlans();

  Optional<DialPlan> dialPlan(String domain);

  void putDialPlan(DialPlan plan, Actor actor);
}
