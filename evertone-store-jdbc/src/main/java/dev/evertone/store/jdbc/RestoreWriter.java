package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.Change;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.FromVersion;
import dev.evertone.store.provisioning.CredentialRepository.RestoreDecision;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.RestoreOutcome;
import dev.evertone.store.provisioning.RestorePlan;
import dev.evertone.store.provisioning.RestorePlan.Item;
import dev.evertone.store.provisioning.RestorePlan.Kind;
import dev.evertone.store.provisioning.RestoreSpec;
import dev.evertone.store.provisioning.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores, planned and applied set-based in the database: each line in scope is classified by one
 * statement into a staging table, counted, shown to the caller's decision, and (if approved)
 * pointed back to the credential version it had, by one UPDATE, with one INSERT of its events. No
 * secret is decrypted or copied: versions never change, lines point to them. A million lines cost a
 * handful of statements.
 *
 * <p>Lines deleted since are recreated through the change set writer (where they were: their device
 * by MAC, their line number, their owner), inside the same transaction.
 */
final class RestoreWriter {
  private static final Logger log = LoggerFactory.getLogger(RestoreWriter.class);

  private static final String STAGE_DDL =
      "CREATE TEMPORARY TABLE IF NOT EXISTS stage_restore (line_id BIGINT NOT NULL, "
          + "kind CHAR(1) NOT NULL, reason CHAR(1), target_version BIGINT, current_version BIGINT, revision BIGINT, device_id BIGINT, "
          + "domain VARCHAR(253) NOT NULL, auth_user VARCHAR(64) NOT NULL, other_change BIGINT)";

  private final Jdbc jdbc;
  private final ChangeSetWriter writer;
  private final Clock clock;

  RestoreWriter(Jdbc jdbc, ChangeSetWriter writer, Clock clock) {
    this.jdbc = jdbc;
    this.writer = writer;
    this.clock = clock;
  }

  private static String code(Kind kind) {
    return switch (kind) {
      case RESTORE -> "R";
      case RECREATE -> "C";
      case DELETE -> "D";
      case UNCHANGED -> "U";
      case KEEP -> "K";
      case SKIP -> "S";
    };
  }

  private static Kind kind(String code) {
    for (Kind k : Kind.values()) {
      if (code(k).equals(code.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException(code);
  }

  RestoreOutcome restore(RestoreSpec spec, Actor actor, String batchId, RestoreDecision decision) {
    return jdbc.inTransaction(
        c -> {
          long start = System.nanoTime();
          try (Statement s = c.createStatement()) {
            s.execute(STAGE_DDL);
            s.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS scope_domain (name VARCHAR(253) NOT NULL)");
            s.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS scope_line (domain VARCHAR(253) NOT NULL, auth_user VARCHAR(64) NOT NULL)");
            s.execute("CREATE TEMPORARY TABLE IF NOT EXISTS scope_mac (mac VARCHAR(12) NOT NULL)");
          }
          Bulk.clear(c, jdbc.dialect, "stage_restore");
          Filter filter = scope(c, spec.scope());
          Map<String, Integer> untouched = Map.of();
          if (spec.batchId() != null) {
            stageUndo(c, spec.batchId(), filter);
          } else {
            untouched = untouched(c, filter, stageAt(c, spec.at(), filter));
          }
          markUnplaceable(c);
          if (jdbc.dialect == Dialect.POSTGRESQL) {
            try (Statement s = c.createStatement()) {
              s.execute("ANALYZE stage_restore");
            }
          }
          long staged = System.nanoTime();
          RestorePlan plan = plan(c, spec, untouched);
          ChangeSet.AuditEntry audit = decision.approve(plan);
          if (audit == null) {
            return new RestoreOutcome(plan, false);
          }
          long now = clock.millis();
          long changeNo = ChangeSetWriter.newChange(c, jdbc.dialect, batchId, actor, now);
          long applying = System.nanoTime();
          int restored = apply(c, plan, changeNo, now);
          long pointed = System.nanoTime();
          recreate(c, actor, changeNo, now);
          logChanges(c, now);
          JdbcAuditLog.record(c, List.of(audit), actor, batchId, now);
          JdbcChangeFeed.notifyNodes(c, jdbc.dialect);
          log.debug(
              "restore {}: staged in {} ms, planned in {} ms, {} lines pointed back in {} ms, the rest in {} ms",
              batchId,
              (staged - start) / 1_000_000,
              (applying - staged) / 1_000_000,
              restored,
              (pointed - applying) / 1_000_000,
              (System.nanoTime() - pointed) / 1_000_000);
          return new RestoreOutcome(plan, true);
        });
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
  private Filter scope(Connection c, Scope scope) throws SQLException {
    Bulk.clear(c, jdbc.dialect, "scope_domain");
    Bulk.clear(c, jdbc.dialect, "scope_line");
    Bulk.clear(c, jdbc.dialect, "scope_mac");
    if (scope.domains() != null) {
      List<Object[]> domains = new ArrayList<>();
      scope.domains().forEach(d -> domains.add(new Object[] {d}));
      Bulk.insert(c, jdbc.dialect, "scope_domain", List.of("name"), domains);
    }
    if (scope.namesLines()) {
      List<Object[]> lines = new ArrayList<>();
      scope.lines().forEach(k -> lines.add(new Object[] {k.domain(), k.authUser()}));
      Bulk.insert(c, jdbc.dialect, "scope_line", List.of("domain", "auth_user"), lines);
      List<Object[]> macs = new ArrayList<>();
      scope.macs().forEach(m -> macs.add(new Object[] {m}));
      Bulk.insert(c, jdbc.dialect, "scope_mac", List.of("mac"), macs);
    }
    return new Filter(scope.domains() != null, scope.namesLines());
  }

  private static final String STAGE_INSERT =
      "INSERT INTO stage_restore (line_id, kind, reason, target_version, current_version, "
          + "revision, device_id, domain, auth_user, other_change) ";

  /**
   * Undo a batch: each line it changed gets the version it had before, unless changed again since.
   */
  private void stageUndo(Connection c, String batchId, Filter filter) throws SQLException {
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
  private long stageAt(Connection c, Instant at, Filter filter) throws SQLException {
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
  private Map<String, Integer> untouched(Connection c, Filter filter, long until)
      throws SQLException {
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
  private void markUnplaceable(Connection c) throws SQLException {
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

  private RestorePlan plan(Connection c, RestoreSpec spec, Map<String, Integer> untouched)
      throws SQLException {
    Map<String, EnumMap<Kind, Integer>> counts = new TreeMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT domain, kind, COUNT(*) FROM stage_restore GROUP BY domain, kind");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        counts
            .computeIfAbsent(rs.getString(1), d -> new EnumMap<>(Kind.class))
            .put(kind(rs.getString(2)), rs.getInt(3));
      }
    }
    untouched.forEach(
        (domain, n) ->
            counts
                .computeIfAbsent(domain, d -> new EnumMap<>(Kind.class))
                .merge(Kind.UNCHANGED, n, Integer::sum));
    Map<String, Integer> lines = new HashMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT m.name, COUNT(*) FROM device_line l JOIN domain m ON m.id = l.domain_id "
                    + "GROUP BY m.name");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (counts.containsKey(rs.getString(1))) {
          lines.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    List<Item> items = new ArrayList<>();
    int shown = 0;
    for (Kind kind : Kind.values()) {
      int count = counts.values().stream().mapToInt(m -> m.getOrDefault(kind, 0)).sum();
      if (count == 0) {
        continue;
      }
      // the first lines by name when there are few; any lines when there are many (sorting a
      // million costs seconds)
      String order = count <= spec.itemLimit() ? " ORDER BY s.domain, s.auth_user" : "";
      List<Item> ofKind = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT s.domain, s.auth_user, s.reason, b.actor, b.at FROM stage_restore s "
                  + "LEFT JOIN change_batch b ON b.id = s.other_change WHERE s.kind = ?"
                  + order
                  + " LIMIT ?")) {
        ps.setString(1, code(kind));
        ps.setInt(2, spec.itemLimit());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ofKind.add(
                new Item(
                    kind,
                    new LineKey(rs.getString(1), rs.getString(2)),
                    note(kind, spec, rs.getString(3), rs.getString(4), rs.getLong(5))));
          }
        }
      }
      ofKind.sort(java.util.Comparator.comparing(Item::line));
      items.addAll(ofKind);
      shown += ofKind.size();
    }
    int total =
        counts.values().stream()
            .flatMap(m -> m.values().stream())
            .mapToInt(Integer::intValue)
            .sum();
    return new RestorePlan(counts, lines, items, total - shown);
  }

  private static @Nullable String note(
      Kind kind, RestoreSpec spec, @Nullable String reason, @Nullable String actor, long at) {
    return switch (kind) {
      case DELETE -> "created by the batch";
      case KEEP -> "did not exist at " + spec.at() + "; left as is";
      case SKIP ->
          reason == null
              ? null
              : switch (reason.trim()) {
                case "L" ->
                    "changed again after the batch"
                        + (actor == null ? "" : ", by " + actor + " at " + Instant.ofEpochMilli(at))
                        + "; left as is (restore it with --at if needed)";
                case "M" -> "its device is now in another domain";
                case "T" -> "its line number on its device is taken by another line";
                default -> null;
              };
      default -> null;
    };
  }

  /**
   * Points lines back to their versions and deletes the ones the batch created; returns how many
   * lines were pointed back.
   */
  private int apply(Connection c, RestorePlan plan, long changeNo, long now) throws SQLException {
    int restore = plan.total(Kind.RESTORE);
    int delete = plan.total(Kind.DELETE);
    if (restore > 0) {
      long eventsStart = System.nanoTime();
      long events = ChangeSetWriter.allocate(c, "credential_event", restore);
      Jdbc.update(
          c,
          "INSERT INTO credential_event (id, line_id, change_no, kind, version_id, previous_version_id) "
              + "SELECT ? + ROW_NUMBER() OVER () - 1, s.line_id, ?, 'r', s.target_version, s.current_version "
              + "FROM stage_restore s WHERE s.kind = 'R'",
          events,
          changeNo);
      log.debug("restore events written in {} ms", (System.nanoTime() - eventsStart) / 1_000_000);
      int updated =
          Jdbc.update(
              c,
              "UPDATE device_line SET previous_version_id = device_line.version_id, version_id = s.target_version, "
                  + "change_no = ?, changed_at = ?, revision = device_line.revision + 1, updated_at = ? FROM stage_restore s "
                  + "WHERE s.kind = 'R' AND s.line_id = device_line.id AND s.revision = device_line.revision",
              changeNo,
              now,
              now);
      if (updated != restore) {
        throw new dev.evertone.store.ConflictException(
            "lines changed while the restore ran ("
                + restore
                + " planned, "
                + updated
                + " as planned); nothing was written: run it again");
      }
    }
    if (delete > 0) {
      long events = ChangeSetWriter.allocate(c, "credential_event", delete);
      Jdbc.update(
          c,
          "INSERT INTO credential_event (id, line_id, change_no, kind, version_id, previous_version_id) "
              + "SELECT ? + ROW_NUMBER() OVER () - 1, s.line_id, ?, 'd', NULL, s.current_version "
              + "FROM stage_restore s WHERE s.kind = 'D'",
          events,
          changeNo);
      Jdbc.update(
          c,
          "UPDATE line_key SET deleted_change = ?, mac = d.mac, model = d.model, description = d.description, "
              + "extension = u.extension, display_name = u.display_name, line_no = l.line_no "
              + "FROM stage_restore s JOIN device_line l ON l.id = s.line_id JOIN device d ON d.id = l.device_id "
              + "LEFT JOIN users u ON u.id = d.user_id WHERE s.kind = 'D' AND line_key.id = s.line_id",
          changeNo);
      int deleted =
          Jdbc.update(
              c,
              "DELETE FROM device_line WHERE EXISTS (SELECT 1 FROM stage_restore s WHERE s.kind = 'D' "
                  + "AND s.line_id = device_line.id AND s.revision = device_line.revision)");
      if (deleted != delete) {
        throw new dev.evertone.store.ConflictException(
            "lines changed while the restore ran ("
                + delete
                + " to delete, "
                + deleted
                + " as planned); nothing was written: run it again");
      }
      // a device the batch created is left without lines: it goes too
      Jdbc.update(
          c,
          "DELETE FROM device WHERE id IN (SELECT s.device_id FROM stage_restore s WHERE s.kind = 'D') "
              + "AND NOT EXISTS (SELECT 1 FROM device_line l WHERE l.device_id = device.id)");
    }
    return restore;
  }

  /**
   * Lines deleted since come back where they were: their device (by MAC, or a new one), line number
   * and owner.
   */
  private void recreate(Connection c, Actor actor, long changeNo, long now) throws SQLException {
    record Deleted(
        LineKey key,
        long version,
        @Nullable String mac,
        @Nullable String model,
        @Nullable String description,
        @Nullable String extension,
        @Nullable String displayName,
        int lineNo) {}
    List<Deleted> lines = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT k.domain, k.auth_user, s.target_version, k.mac, k.model, k.description, "
                    + "k.extension, k.display_name, k.line_no FROM stage_restore s JOIN line_key k ON k.id = s.line_id WHERE s.kind = 'C' "
                    + "ORDER BY k.domain, k.auth_user");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int lineNo = rs.getInt(9);
        lines.add(
            new Deleted(
                new LineKey(rs.getString(1), rs.getString(2)),
                rs.getLong(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                lineNo == 0 ? 1 : lineNo));
      }
    }
    if (lines.isEmpty()) {
      return;
    }
    ChangeSet.Builder changes = ChangeSet.builder();
    Map<String, Long> devices = new HashMap<>();
    Map<String, Long> users = new HashMap<>();
    try (PreparedStatement device = c.prepareStatement("SELECT id FROM device WHERE mac = ?");
        PreparedStatement user =
            c.prepareStatement(
                "SELECT u.id FROM users u JOIN domain m ON m.id = u.domain_id "
                    + "WHERE m.name = ? AND u.extension = ?")) {
      for (Deleted d : lines) {
        Long owner = null;
        if (d.extension() != null) {
          String key = d.extension() + "@" + d.key().domain();
          owner = users.get(key);
          if (owner == null) {
            user.setString(1, d.key().domain());
            user.setString(2, d.extension());
            try (ResultSet rs = user.executeQuery()) {
              owner = rs.next() ? rs.getLong(1) : null;
            }
            if (owner == null) {
              owner = changes.nextRef();
              changes.user(new CreateUser(owner, d.key().domain(), d.extension(), d.displayName()));
            }
            users.put(key, owner);
          }
        }
        Long deviceRef = d.mac() == null ? null : devices.get(d.mac());
        if (deviceRef == null && d.mac() != null) {
          device.setString(1, d.mac());
          try (ResultSet rs = device.executeQuery()) {
            deviceRef = rs.next() ? rs.getLong(1) : null;
          }
        }
        if (deviceRef == null) {
          deviceRef = changes.nextRef();
          changes.device(
              new CreateDevice(
                  deviceRef, d.key().domain(), d.mac(), d.model(), d.description(), owner));
        }
        if (d.mac() != null) {
          devices.put(d.mac(), deviceRef);
        }
        changes.line(
            new CreateLine(
                deviceRef,
                d.lineNo(),
                d.key().domain(),
                d.key().authUser(),
                new FromVersion(d.version()),
                HistoryEntry.RESTORED));
      }
    }
    writer.applyWithin(c, changes.build(), actor, changeNo, now);
  }

  /**
   * The change log entries for the lines pointed back and deleted (recreated ones are logged by the
   * writer).
   */
  private void logChanges(Connection c, long now) throws SQLException {
    Map<String, Integer> perDomain = new TreeMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT domain, COUNT(*) FROM stage_restore WHERE kind IN ('R', 'D') GROUP BY domain");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        perDomain.put(rs.getString(1), rs.getInt(2));
      }
    }
    for (Map.Entry<String, Integer> e : perDomain.entrySet()) {
      if (e.getValue() > Change.DOMAIN_WIDE_AFTER) {
        JdbcChangeFeed.record(c, Change.DOMAIN, e.getKey(), null, now);
        continue;
      }
      Jdbc.update(
          c,
          "INSERT INTO change_log (entity, domain, username, changed_at) SELECT ?, domain, auth_user, ? FROM stage_restore "
              + "WHERE kind IN ('R', 'D') AND domain = ?",
          Change.CREDENTIAL,
          now,
          e.getKey());
    }
  }
}
