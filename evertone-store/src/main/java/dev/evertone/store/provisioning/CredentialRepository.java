package dev.evertone.store.provisioning;

import dev.evertone.store.Actor;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Line credentials as the registrar needs them, and their history for restores. */
public interface CredentialRepository {

  /**
   * The decrypted credential of {@code authUser@domain}, with the secret it replaced if {@code
   * withPrevious} (for a grace window); empty if there is no such line.
   */
  Optional<Credential> lookup(String domain, String authUser, boolean withPrevious);

  /** Every change of one line's credential, oldest first. */
  List<HistoryEntry> history(LineKey line);

  /**
   * Plans a restore in the database and, if {@code decision} approves the plan, applies it in the
   * same transaction as batch {@code batchId}: lines get back their secret (the version is pointed
   * to again, never decrypted), lines deleted since are recreated where they were, lines an undone
   * batch created are deleted. {@link NotFoundException} for an unknown batch.
   */
  RestoreOutcome restore(RestoreSpec spec, Actor actor, String batchId, RestoreDecision decision);

  /** Decides, from the plan, whether to apply a restore. */
  @FunctionalInterface
  interface RestoreDecision {
    /**
     * The audit event to record if the restore is to be applied; null to leave everything as it is
     * (a dry run, a refusal).
     */
    ChangeSet.@Nullable AuditEntry approve(RestorePlan plan);
  }
}
