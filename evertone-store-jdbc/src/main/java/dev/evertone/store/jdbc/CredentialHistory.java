package dev.evertone.store.jdbc;

import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.FromVersion;
import dev.evertone.store.provisioning.ChangeSet.LineOp;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The credential history of a change set's lines: a new version (the encrypted secret and its
 * fingerprint, as {@link SecretSealing} made them) for every new secret, and an event for every
 * line whose credential is created, changed or deleted, with the versions before and after. The
 * set-based statements read the line stage that {@link LineWriter} fills.
 */
final class CredentialHistory {
  private final ChangeTransaction tx;
  private final SecretSealing sealing;

  CredentialHistory(ChangeTransaction tx, SecretSealing sealing) {
    this.tx = tx;
    this.sealing = sealing;
  }

  /** New credential versions for the Plain secrets of {@code ops} (by op); returns their ids. */
  IdentityHashMap<LineOp, Long> newVersions(
      List<? extends LineOp> ops, IdentityHashMap<LineOp, Long> lineIds) throws SQLException {
    IdentityHashMap<LineOp, SecretSealing.Sealed> sealed = sealing.get();
    record NewVersion(LineOp op, SecretSealing.Sealed sealed) {}
    List<NewVersion> plain = new ArrayList<>();
    for (LineOp op : ops) {
      SecretSealing.Sealed s = sealed.get(op);
      if (s != null) {
        plain.add(new NewVersion(op, s));
      }
    }
    IdentityHashMap<LineOp, Long> ids = new IdentityHashMap<>();
    if (plain.isEmpty()) {
      return ids;
    }
    long id = tx.allocate("credential_version", plain.size());
    List<Object[]> rows = new ArrayList<>(plain.size());
    for (NewVersion p : plain) {
      ids.put(p.op(), id);
      rows.add(
          new Object[] {
            id++, lineIds.get(p.op()), p.sealed().ciphertext(), p.sealed().hash(), tx.changeNo
          });
    }
    tx.insert(
        "credential_version", List.of("id", "line_id", "secret", "secret_hash", "change_no"), rows);
    return ids;
  }

  /** The version a secret stands for: a new one, or one that exists. */
  static @Nullable Long versionOf(
      ChangeSet.@Nullable Secret secret, LineOp op, IdentityHashMap<LineOp, Long> newVersions) {
    if (secret == null) {
      return null;
    }
    return secret instanceof FromVersion v ? v.versionId() : newVersions.get(op);
  }

  /**
   * A line may only be pointed at a version of its own secret (its ciphertext is bound to the line
   * anyway).
   */
  void checkVersionsBelongToTheirLines() throws SQLException {
    long foreign =
        Jdbc.count(
            tx.c,
            "SELECT COUNT(*) FROM stage_line s LEFT JOIN credential_version v "
                + "ON v.id = s.version_id WHERE s.version_id IS NOT NULL AND (v.id IS NULL OR v.line_id <> s.line_id)");
    if (foreign > 0) {
      throw new IllegalArgumentException(
          foreign + " line(s) would be given a credential version that is not theirs");
    }
  }

  /**
   * The events of the {@code count} staged deletions, written before the lines go: each names the
   * version the line had, so that a restore can put it back.
   */
  void recordDeleted(int count) throws SQLException {
    long events = tx.allocate("credential_event", count);
    Jdbc.update(
        tx.c,
        "INSERT INTO credential_event (id, line_id, change_no, kind, version_id, previous_version_id) "
            + "SELECT ? + s.seq, s.line_id, ?, 'd', NULL, l.version_id FROM stage_line s JOIN device_line l ON l.id = s.line_id "
            + "AND l.revision = s.revision WHERE s.op = 'D'",
        events,
        tx.changeNo);
  }

  /**
   * The events of the staged updates ({@code count}) that give {@code withSecret} lines a new
   * version, written before the update: the version a line had is the event's previous one.
   */
  void recordChanged(int count, int withSecret) throws SQLException {
    long events = tx.allocate("credential_event", count);
    int recorded =
        Jdbc.update(
            tx.c,
            "INSERT INTO credential_event (id, line_id, change_no, kind, version_id, previous_version_id) "
                + "SELECT ? + s.seq, s.line_id, ?, s.kind, s.version_id, l.version_id FROM stage_line s JOIN device_line l "
                + "ON l.id = s.line_id AND l.revision = s.revision WHERE s.op = 'U' AND s.version_id IS NOT NULL",
            events,
            tx.changeNo);
    if (recorded != withSecret) {
      throw tx.changedMeanwhile("lines", withSecret, recorded);
    }
  }

  /** Allocates the ids of {@code count} events; returns the first. */
  long allocateEvents(int count) throws SQLException {
    return tx.allocate("credential_event", count);
  }

  /** Inserts the events of new lines (by {@link Bulk} insert). */
  void insertEvents(List<Object[]> rows) throws SQLException {
    tx.insert(
        "credential_event",
        List.of("id", "line_id", "change_no", "kind", "version_id", "previous_version_id"),
        rows);
  }
}
