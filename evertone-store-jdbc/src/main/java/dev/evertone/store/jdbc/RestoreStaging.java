package dev.evertone.store.jdbc;

import dev.evertone.store.NotFoundException;
import dev.evertone.store.provisioning.RestoreSpec;
import dev.evertone.store.provisioning.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The first half of a restore: every line in scope classified, by one statement, into the staging
 * table {@code stage_restore} (restore, recreate, delete, unchanged, keep or skip, with the version
 * it goes back to and why a line is skipped). {@link RestoreWriter} plans and applies from there.
 */
final class RestoreStaging {
  private static final String STAGE_DDL =
      "CREATE TEMPORARY TABLE IF NOT EXISTS stage_restore (line_id BIGINT NOT NULL, "
          + "kind CHAR(1) NOT NULL, reason CHAR(1), target_version BIGINT, current_version BIGINT, revision BIGINT, device_id BIGINT, "
          + "domain VARCHAR(253) NOT NULL, auth_user VARCHAR(64) NOT NULL, other_change BIGINT)";

  private final Connection c;
  private final Dialect dialect;

  private RestoreStaging(Connection c, Dialect dialect) {
    this.c = c;
    this.dialect = dialect;
  }

  /**
   * Stages every line in the scope of {@code spec}, on this connection's staging tables (made if
   * new, emptied if not); returns, per domain, how many lines a restore to a moment leaves as they
   * are because they did not change since (none for an undo: it only reads the batch's lines).
   */
  static Map<String, Integer> stage(Connection c, Dialect dialect, RestoreSpec spec)
      throws SQLException {
    return new RestoreStaging(c, dialect).stage(spec);
  }

  private Map<String, Integer> stage(RestoreSpec spec) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(STAGE_DDL);
      s.execute("CREATE TEMPORARY TABLE IF NOT EXISTS scope_domain (name VARCHAR(253) NOT NULL)");
      s.execute(
          "CREATE TEMPORARY TABLE IF NOT EXISTS scope_line (domain VARCHAR(253) NOT NULL, auth_user VARCHAR(64) NOT NULL)");
      s.execute("CREATE TEMPORARY TABLE IF NOT EXISTS scope_mac (mac VARCHAR(12) NOT NULL)");
    }
    Bulk.clear(c, dialect, "stage_restore");
    Filter filter = scope(spec.scope());
    Map<String, Integer> untouched = Map.of();
    String batchId = spec.batchId();
    if (batchId != null) {
      stageUndo(batchId, filter);
    } else {
      Instant at = Objects.requireNonNull(spec.at(), "a restore spec without a batch has a time");
      untouched = untouched(filter, stageAt(at, filter));
    }
    markUnplaceable();
    if (dialect == Dialect.POSTGRESQL) {
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE stage_restore");
      }
    }
    return untouched;
  }

  /**
   * The scope, as SQL conditions on whatever columns hold a line's domain, auth user and device
   * MAC.
   */
  private record Filter(boolean domains, boolean named) {
    /**
     * " AND ..." keeping the scope, on the given columns (the MAC ones only read if the scope names
     * devices).
     */
    String on(String domain, String authUser, String... macs) {
      StringBuilder sql = new StringBuilder();
      if (domains) {
        sql.append(" AND ").append(domain).append(" IN (SELECT name FROM scope_domain)");
      }
      if (named) {
        sql.append(" AND (EXISTS (SELECT 1 FROM scope_line x WHERE x.domain = ")
            .append(domain)
            .append(" AND x.auth_user = ")
            .append(authUser)
            .append(")");
        for (String mac : macs) {
          sql.append(" OR EXISTS (SELECT 1 FROM scope_mac x WHERE x.mac = ")
              .append(mac)
              .append(")");
        }
        sql.append(")");
      }
      return sql.toString();
    }

    /** The join that brings a line's current device, when the scope names devices. */
    String device() {
      return named ? " LEFT JOIN device d ON d.id = l.device_id" : "";
    }
  }

  /** Fills the scope tables. */
  private Filter scope(Scope scope) throws SQLException {
    Bulk.clear(c, dialect, "scope_domain");
    Bulk.clear(c, dialect, "scope_line");
    Bulk.clear(c, dialect, "scope_mac");
    if (scope.domains() != null) {
      List<Object[]> domains = new ArrayList<>();
      scope.domains().forEach(d -> domains.add(new Object[] {d}));
      Bulk.insert(c, dialect, "scope_domain", List.of("name"), domains);
    }
    if (scope.namesLines()) {
      List<Object[]> lines = new ArrayList<>();
      scope.lines().forEach(k -> lines.add(new Object[] {k.domain(), k.authUser()}));
      Bulk.insert(c, dialect, "scope_line", List.of("domain", "auth_user"), lines);
      List<Object[]> macs = new ArrayList<>();
      scope.macs().forEach(m -> macs.add(new Object[] {m}));
      Bulk.insert(c, dialect, "scope_mac", List.of("mac"), macs);
    }
    return new Filter(scope.domains() != null, scope.namesLines());
  }

  private static final String STAGE_INSERT =
      "INSERT INTO stage_restore (line_id, kind, reason, target_version, current_version, "
          + "revision, device_id, domain, auth_user, other_change) ";

  /**
   * Undo a batch: each line it changed gets the version it had before, unless changed again since.
   */
  private void stageUndo(String batchId, Filter filter) throws SQLException {
    List<Long> changes = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM change_batch WHERE batch_id = ?")) {
      ps.setString(1, batchId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          changes.add(rs.getLong(1));
        }
      }
    }
    if (changes.isEmpty()) {
      throw new NotFoundException(
          "there is no batch "
              + batchId
              + "; 'evertone audit' lists the imports and restores with their batches");
    }
    for (long change : changes) {
      Jdbc.update(
          c,
          STAGE_INSERT
              + "SELECT e.line_id, CASE "
              + "WHEN l.id IS NOT NULL AND l.change_no <> e.change_no THEN 'S' "
              + "WHEN l.id IS NOT NULL AND e.previous_version_id IS NULL THEN 'D' "
              + "WHEN l.id IS NOT NULL AND l.version_id = e.previous_version_id THEN 'U' "
              + "WHEN l.id IS NOT NULL THEN 'R' "
              + "WHEN e.previous_version_id IS NULL THEN 'U' "
              + "WHEN k.deleted_change = e.change_no THEN 'C' "
              + "ELSE 'S' END, "
              + "CASE WHEN l.id IS NOT NULL AND l.change_no <> e.change_no THEN 'L' "
              + "WHEN l.id IS NULL AND e.previous_version_id IS NOT NULL AND (k.deleted_change IS NULL OR k.deleted_change <> e.change_no) "
              + "THEN 'L' END, "
              + "e.previous_version_id, l.version_id, l.revision, l.device_id, k.domain, k.auth_user, "
              + "CASE WHEN l.id IS NOT NULL AND l.change_no <> e.change_no THEN l.change_no WHEN l.id IS NULL THEN k.deleted_change END "
              + "FROM credential_event e JOIN line_key k ON k.id = e.line_id LEFT JOIN device_line l ON l.id = e.line_id"
              + filter.device()
              + " WHERE e.change_no = ?"
              + filter.on("k.domain", "k.auth_user", "d.mac", "k.mac"),
          change);
    }
  }

  /**
   * Restore to a moment: a line changed since then gets the version it had then, which is the
   * previous version of its first change after that moment; lines that did not exist then are kept.
   * Only the changes after the moment are read (by their index), not the whole history.
   */
  private long stageAt(Instant at, Filter filter) throws SQLException {
    long until = 0;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT MAX(id) FROM change_batch WHERE at <= ?")) {
      ps.setLong(1, at.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          until = rs.getLong(1);
        }
      }
    }
    Jdbc.update(
        c,
        STAGE_INSERT
            + "SELECT e.line_id, CASE "
            + "WHEN l.id IS NOT NULL AND e.previous_version_id IS NULL THEN 'K' "
            + "WHEN l.id IS NOT NULL AND l.version_id = e.previous_version_id THEN 'U' "
            + "WHEN l.id IS NOT NULL THEN 'R' "
            + "ELSE 'C' END, NULL, e.previous_version_id, l.version_id, l.revision, l.device_id, k.domain, k.auth_user, NULL "
            + "FROM (SELECT line_id, previous_version_id, ROW_NUMBER() OVER (PARTITION BY line_id ORDER BY id) AS n "
            + "FROM credential_event WHERE change_no > ?) e JOIN line_key k ON k.id = e.line_id LEFT JOIN device_line l ON l.id = e.line_id"
            + filter.device()
            + " WHERE e.n = 1 AND (l.id IS NOT NULL OR e.previous_version_id IS NOT NULL)"
            + filter.on("k.domain", "k.auth_user", "d.mac", "k.mac"),
        until);
    return until;
  }

  /**
   * Per domain, the lines in scope that did not change after {@code until}: unchanged by a restore
   * to that moment.
   */
  private Map<String, Integer> untouched(Filter filter, long until) throws SQLException {
    Map<String, Integer> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT m.name, COUNT(*) FROM device_line l JOIN domain m ON m.id = l.domain_id"
                + filter.device()
                + " WHERE l.change_no <= ?"
                + filter.on("m.name", "l.auth_user", "d.mac")
                + " GROUP BY m.name")) {
      ps.setLong(1, until);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return out;
  }

  /**
   * A deleted line goes back on the device with its MAC, at its line number: if that device is now
   * in another domain, or the number is taken, the line is skipped (and says why).
   */
  private void markUnplaceable() throws SQLException {
    Jdbc.update(
        c,
        "UPDATE stage_restore SET kind = 'S', reason = 'M' WHERE kind = 'C' AND EXISTS (SELECT 1 FROM line_key k "
            + "JOIN device d ON d.mac = k.mac JOIN domain m ON m.id = d.domain_id WHERE k.id = stage_restore.line_id AND m.name <> k.domain)");
    Jdbc.update(
        c,
        "UPDATE stage_restore SET kind = 'S', reason = 'T' WHERE kind = 'C' AND EXISTS (SELECT 1 FROM line_key k "
            + "JOIN device d ON d.mac = k.mac JOIN device_line x ON x.device_id = d.id AND x.line_no = COALESCE(k.line_no, 1) "
            + "WHERE k.id = stage_restore.line_id)");
  }
}
