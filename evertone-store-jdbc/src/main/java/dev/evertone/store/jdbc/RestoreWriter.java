package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.Change;
import dev.evertone.store.Values;
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
import dev.evertone.store.provisioning.RestorePlan.Removal;
import dev.evertone.store.provisioning.RestoreSpec;
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
 * <p>The lines in scope are classified first ({@link RestoreStaging}). Lines deleted since are
 * recreated through the change set writer (where they were: their device by MAC, their line number,
 * their owner), inside the same transaction.
 */
final class RestoreWriter {
  private static final Logger log = LoggerFactory.getLogger(RestoreWriter.class);

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
          Map<String, Integer> untouched = RestoreStaging.stage(c, jdbc.dialect, spec);
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
    String batchId = spec.batchId();
    List<Removal> removals = new ArrayList<>();
    if (batchId != null) {
      total += stageRemovals(c, batchId);
      removals = removals(c, spec.itemLimit());
      shown += removals.size();
    }
    return new RestorePlan(counts, lines, items, total - shown, removals);
  }

  /**
   * Stages what an undo removes besides lines, and returns how many: the devices it leaves without
   * lines, then the users the batch created (and nobody changed since) whose every device goes, so
   * that an undone import leaves nothing behind that blocks removing its domain.
   */
  private int stageRemovals(Connection c, String batchId) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TEMPORARY TABLE IF NOT EXISTS stage_removed (entity CHAR(1) NOT NULL, id BIGINT NOT NULL)");
    }
    Bulk.clear(c, jdbc.dialect, "stage_removed");
    int devices =
        Jdbc.update(
            c,
            "INSERT INTO stage_removed (entity, id) SELECT DISTINCT 'd', s.device_id FROM stage_restore s "
                + "WHERE s.kind = 'D' AND s.device_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM device_line l "
                + "WHERE l.device_id = s.device_id AND l.id NOT IN (SELECT x.line_id FROM stage_restore x WHERE x.kind = 'D'))");
    int users =
        Jdbc.update(
            c,
            "INSERT INTO stage_removed (entity, id) SELECT 'u', u.id FROM users u WHERE u.revision = 1 "
                + "AND u.created_change IN (SELECT b.id FROM change_batch b WHERE b.batch_id = ?) "
                + "AND EXISTS (SELECT 1 FROM device d JOIN stage_removed r ON r.entity = 'd' AND r.id = d.id "
                + "WHERE d.user_id = u.id) AND NOT EXISTS (SELECT 1 FROM device d WHERE d.user_id = u.id "
                + "AND d.id NOT IN (SELECT r.id FROM stage_removed r WHERE r.entity = 'd')) "
                // a number or forwarding rule set up for the extension since keeps it
                + "AND NOT EXISTS (SELECT 1 FROM domain m JOIN phone_number n ON n.domain = m.name "
                + "WHERE m.id = u.domain_id AND n.extension = u.extension) "
                + "AND NOT EXISTS (SELECT 1 FROM domain m JOIN forward_rule f ON f.domain = m.name "
                + "WHERE m.id = u.domain_id AND f.extension = u.extension)",
            batchId);
    return devices + users;
  }

  /** The first {@code limit} devices, then users, of the staged removals, by name. */
  private static List<Removal> removals(Connection c, int limit) throws SQLException {
    List<Removal> removals = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT d.mac, d.id FROM stage_removed r JOIN device d ON d.id = r.id "
                + "WHERE r.entity = 'd' ORDER BY d.mac, d.id LIMIT ?")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String mac = rs.getString(1);
          removals.add(
              new Removal(
                  "device",
                  mac == null ? "#" + rs.getLong(2) : Values.formatMac(mac),
                  "no line is left on it"));
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT u.extension, m.name FROM stage_removed r JOIN users u ON u.id = r.id "
                + "JOIN domain m ON m.id = u.domain_id WHERE r.entity = 'u' "
                + "ORDER BY m.name, u.extension LIMIT ?")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          removals.add(
              new Removal(
                  "user",
                  rs.getString(1) + "@" + rs.getString(2),
                  "created by the batch; owns no device after it"));
        }
      }
    }
    return removals;
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
      // a device left without lines goes too, then a user the batch created who owns none
      Jdbc.update(
          c,
          "DELETE FROM device WHERE id IN (SELECT r.id FROM stage_removed r WHERE r.entity = 'd') "
              + "AND NOT EXISTS (SELECT 1 FROM device_line l WHERE l.device_id = device.id)");
      Jdbc.update(
          c,
          "DELETE FROM users WHERE id IN (SELECT r.id FROM stage_removed r WHERE r.entity = 'u') "
              + "AND NOT EXISTS (SELECT 1 FROM device d WHERE d.user_id = users.id)");
    }
    return restore;
  }

  /** A line deleted since, as its line key remembers it: where it was, and its version then. */
  private record Deleted(
      LineKey key,
      long version,
      @Nullable String mac,
      @Nullable String model,
      @Nullable String description,
      @Nullable String extension,
      @Nullable String displayName,
      int lineNo) {}

  /**
   * Lines deleted since come back where they were: their device (by MAC, or a new one), line number
   * and owner.
   */
  private void recreate(Connection c, Actor actor, long changeNo, long now) throws SQLException {
    List<Deleted> lines = deleted(c);
    if (lines.isEmpty()) {
      return;
    }
    writer.applyWithin(c, recreation(c, lines), actor, changeNo, now);
  }

  /** The staged lines to recreate, by domain and auth user. */
  private static List<Deleted> deleted(Connection c) throws SQLException {
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
    return lines;
  }

  /**
   * The change set that recreates {@code lines}: each on the device with its MAC (or a new one),
   * owned by the user of its extension (created if gone), pointing to its version again.
   */
  private static ChangeSet recreation(Connection c, List<Deleted> lines) throws SQLException {
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
    return changes.build();
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
