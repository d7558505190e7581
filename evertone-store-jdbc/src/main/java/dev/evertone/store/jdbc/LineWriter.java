package dev.evertone.store.jdbc;

import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.DeleteLine;
import dev.evertone.store.provisioning.ChangeSet.FromVersion;
import dev.evertone.store.provisioning.ChangeSet.LineOp;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.LineKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

/**
 * The lines of a change set: deleted, moved or given a new secret, and created (with their line
 * keys and credential history). Deletions and updates go through a per-connection staging table,
 * {@code stage_line}, so that a hundred thousand of them cost a few set-based statements rather
 * than a hundred thousand round trips.
 */
final class LineWriter {
  private static final String STAGE_DDL =
      "CREATE TEMPORARY TABLE IF NOT EXISTS stage_line ("
          + "seq BIGINT NOT NULL, line_id BIGINT NOT NULL, op CHAR(1) NOT NULL, revision BIGINT, device_id BIGINT, line_no INTEGER, "
          + "version_id BIGINT, kind CHAR(1))";
  private static final List<String> STAGE_COLUMNS =
      List.of("seq", "line_id", "op", "revision", "device_id", "line_no", "version_id", "kind");

  private final ChangeTransaction tx;
  private final CredentialHistory history;
  private final LineKeys keys;
  private final boolean any;
  private final List<CreateLine> created = new ArrayList<>();
  private final List<UpdateLine> updated = new ArrayList<>();
  private final List<DeleteLine> deleted = new ArrayList<>();

  LineWriter(ChangeTransaction tx, List<LineOp> ops, CredentialHistory history) {
    this.tx = tx;
    this.history = history;
    this.keys = new LineKeys(tx);
    this.any = !ops.isEmpty();
    for (LineOp op : ops) {
      if (op instanceof CreateLine l) {
        created.add(l);
      } else if (op instanceof UpdateLine l) {
        updated.add(l);
      } else {
        deleted.add((DeleteLine) op);
      }
    }
  }

  List<CreateLine> created() {
    return created;
  }

  List<UpdateLine> updated() {
    return updated;
  }

  /** Makes sure this connection has the staging table, if the change set has lines. */
  void prepareStage() throws SQLException {
    if (any) {
      resetStage(tx.c);
    }
  }

  static void resetStage(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(STAGE_DDL);
    }
  }

  void delete() throws SQLException {
    if (deleted.isEmpty()) {
      return;
    }
    List<Object[]> rows = new ArrayList<>(deleted.size());
    long seq = 0;
    for (DeleteLine l : deleted) {
      rows.add(new Object[] {seq++, l.id(), "D", l.revision(), null, null, null, "d"});
      tx.credentialChanged(l.key());
    }
    stage(rows);
    // the event first, and where the line was: a restore can put it back
    history.recordDeleted(deleted.size());
    Jdbc.update(
        tx.c,
        "UPDATE line_key SET deleted_change = ?, mac = d.mac, model = d.model, description = d.description, "
            + "extension = u.extension, display_name = u.display_name, line_no = l.line_no "
            + "FROM stage_line s JOIN device_line l ON l.id = s.line_id JOIN device d ON d.id = l.device_id "
            + "LEFT JOIN users u ON u.id = d.user_id WHERE s.op = 'D' AND line_key.id = s.line_id",
        tx.changeNo);
    int count =
        Jdbc.update(
            tx.c,
            "DELETE FROM device_line WHERE EXISTS (SELECT 1 FROM stage_line s "
                + "WHERE s.op = 'D' AND s.line_id = device_line.id AND s.revision = device_line.revision)");
    if (count != deleted.size()) {
      throw tx.changedMeanwhile("lines", deleted.size(), count);
    }
  }

  void update() throws SQLException {
    if (updated.isEmpty()) {
      return;
    }
    IdentityHashMap<LineOp, Long> lineIds = new IdentityHashMap<>();
    updated.forEach(l -> lineIds.put(l, l.id()));
    IdentityHashMap<LineOp, Long> versions = history.newVersions(updated, lineIds);
    List<Object[]> rows = new ArrayList<>(updated.size());
    long seq = 0;
    int withSecret = 0;
    for (UpdateLine l : updated) {
      Long version = CredentialHistory.versionOf(l.secret(), l, versions);
      rows.add(
          new Object[] {
            seq++,
            l.id(),
            "U",
            l.revision(),
            tx.resolve(l.deviceRef()),
            l.lineNo(),
            version,
            version == null ? null : HistoryEntry.code(l.change())
          });
      if (version != null) {
        withSecret++;
        tx.credentialChanged(l.key());
      }
    }
    stage(rows);
    history.checkVersionsBelongToTheirLines();
    if (withSecret > 0) {
      history.recordChanged(updated.size(), withSecret);
    }
    int count =
        Jdbc.update(
            tx.c,
            "UPDATE device_line SET device_id = s.device_id, line_no = s.line_no, "
                + "previous_version_id = CASE WHEN s.version_id IS NULL THEN device_line.previous_version_id ELSE device_line.version_id END, "
                + "version_id = COALESCE(s.version_id, device_line.version_id), "
                + "change_no = CASE WHEN s.version_id IS NULL THEN device_line.change_no ELSE ? END, "
                + "changed_at = CASE WHEN s.version_id IS NULL THEN device_line.changed_at ELSE ? END, "
                + "revision = device_line.revision + 1, updated_at = ? "
                + "FROM stage_line s WHERE s.op = 'U' AND s.line_id = device_line.id AND s.revision = device_line.revision",
            tx.changeNo,
            tx.now,
            tx.now);
    if (count != updated.size()) {
      throw tx.changedMeanwhile("lines", updated.size(), count);
    }
  }

  void create() throws SQLException {
    if (created.isEmpty()) {
      return;
    }
    IdentityHashMap<LineOp, Long> keyIds = keys.of(created);
    IdentityHashMap<LineOp, Long> versions = history.newVersions(created, keyIds);
    List<Object[]> lineRows = new ArrayList<>(created.size());
    List<Object[]> stageRows = new ArrayList<>(created.size());
    List<Object[]> eventRows = new ArrayList<>(created.size());
    long event = history.allocateEvents(created.size());
    long seq = 0;
    for (CreateLine l : created) {
      long id = Objects.requireNonNull(keyIds.get(l), "LineKeys gives every new line its key");
      Long version = CredentialHistory.versionOf(l.secret(), l, versions);
      lineRows.add(
          new Object[] {
            id,
            1L,
            tx.resolve(l.deviceRef()),
            l.lineNo(),
            tx.domainId(l.domain()),
            l.authUser(),
            version,
            tx.changeNo,
            tx.now,
            tx.now,
            tx.now
          });
      stageRows.add(new Object[] {seq++, id, "C", null, null, null, version, null});
      eventRows.add(
          new Object[] {event++, id, tx.changeNo, HistoryEntry.code(l.change()), version, null});
      tx.credentialChanged(new LineKey(l.domain(), l.authUser()));
    }
    if (created.stream().anyMatch(l -> l.secret() instanceof FromVersion)) {
      stage(stageRows);
      history.checkVersionsBelongToTheirLines();
    }
    tx.insert(
        "device_line",
        List.of(
            "id",
            "revision",
            "device_id",
            "line_no",
            "domain_id",
            "auth_user",
            "version_id",
            "change_no",
            "changed_at",
            "created_at",
            "updated_at"),
        lineRows);
    history.insertEvents(eventRows);
  }

  private void stage(List<Object[]> rows) throws SQLException {
    Bulk.clear(tx.c, tx.dialect, "stage_line");
    tx.insert("stage_line", STAGE_COLUMNS, rows);
    if (tx.dialect == Dialect.POSTGRESQL && rows.size() > 10_000) {
      try (Statement s = tx.c.createStatement()) {
        s.execute("ANALYZE stage_line"); // temporary tables have no statistics until asked
      }
    }
  }
}
