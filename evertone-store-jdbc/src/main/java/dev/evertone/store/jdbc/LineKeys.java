package dev.evertone.store.jdbc;

import dev.evertone.store.ConflictException;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.LineOp;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The line key of each new line: the one its name had before (a line deleted earlier and now
 * created again keeps its history), or a new one. A name held by a line that exists is a conflict.
 */
final class LineKeys {
  private final ChangeTransaction tx;

  LineKeys(ChangeTransaction tx) {
    this.tx = tx;
  }

  /** The key of every line of {@code lines}, by operation (by identity). */
  IdentityHashMap<LineOp, Long> of(List<CreateLine> lines) throws SQLException {
    IdentityHashMap<LineOp, Long> ids = new IdentityHashMap<>(lines.size());
    Map<String, List<CreateLine>> byDomain = new TreeMap<>();
    lines.forEach(l -> byDomain.computeIfAbsent(l.domain(), d -> new ArrayList<>()).add(l));
    List<CreateLine> staged = new ArrayList<>();
    try (BatchStatement reused =
        tx.batch("UPDATE line_key SET deleted_change = NULL WHERE id = ?")) {
      for (Map.Entry<String, List<CreateLine>> d : byDomain.entrySet()) {
        long known = Jdbc.count(tx.c, "SELECT COUNT(*) FROM line_key WHERE domain = ?", d.getKey());
        if (known == 0) {
          // a new domain, or one whose lines all come from this change: nothing to look up
          continue;
        }
        if (known > 4L * d.getValue().size()) {
          staged.addAll(d.getValue()); // a few lines into a big domain: look them up by name
          continue;
        }
        // most of the domain's names are in this change anyway: read them all rather than stage
        // every line
        Map<String, CreateLine> byName = new HashMap<>();
        d.getValue().forEach(l -> byName.put(l.authUser(), l));
        try (PreparedStatement ps =
            tx.c.prepareStatement(
                "SELECT k.auth_user, k.id, l.id FROM line_key k LEFT JOIN device_line l "
                    + "ON l.id = k.id WHERE k.domain = ?")) {
          ps.setString(1, d.getKey());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              CreateLine line = byName.get(rs.getString(1));
              if (line != null) {
                reuse(line, rs.getLong(2), rs.getObject(3) != null, ids, reused);
              }
            }
          }
        }
      }
      if (!staged.isEmpty()) {
        lookUpStaged(staged, ids, reused);
      }
      reused.expectEach("a line key");
    }
    List<CreateLine> fresh = new ArrayList<>();
    for (CreateLine l : lines) {
      if (!ids.containsKey(l)) {
        fresh.add(l);
      }
    }
    if (!fresh.isEmpty()) {
      long id = tx.allocate("line_key", fresh.size());
      List<Object[]> rows = new ArrayList<>(fresh.size());
      for (CreateLine l : fresh) {
        ids.put(l, id);
        rows.add(new Object[] {id++, l.domain(), l.authUser()});
      }
      tx.insert("line_key", List.of("id", "domain", "auth_user"), rows);
    }
    return ids;
  }

  private static void reuse(
      CreateLine line,
      long keyId,
      boolean taken,
      IdentityHashMap<LineOp, Long> ids,
      BatchStatement reused)
      throws SQLException {
    if (taken) {
      throw new ConflictException(
          "the auth user " + line.authUser() + "@" + line.domain() + " is already taken by a line");
    }
    ids.put(line, keyId);
    reused.add(keyId);
  }

  /** Finds the keys of {@code lines} by a join with a staging table of their names. */
  private void lookUpStaged(
      List<CreateLine> lines, IdentityHashMap<LineOp, Long> ids, BatchStatement reused)
      throws SQLException {
    try (Statement s = tx.c.createStatement()) {
      s.execute(
          "CREATE TEMPORARY TABLE IF NOT EXISTS stage_key (seq BIGINT NOT NULL, domain VARCHAR(253) NOT NULL, "
              + "auth_user VARCHAR(64) NOT NULL)");
    }
    Bulk.clear(tx.c, tx.dialect, "stage_key");
    List<Object[]> keys = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      keys.add(new Object[] {(long) i, lines.get(i).domain(), lines.get(i).authUser()});
    }
    tx.insert("stage_key", List.of("seq", "domain", "auth_user"), keys);
    try (PreparedStatement ps =
            tx.c.prepareStatement(
                "SELECT s.seq, k.id, l.id FROM stage_key s JOIN line_key k ON k.domain = s.domain "
                    + "AND k.auth_user = s.auth_user LEFT JOIN device_line l ON l.id = k.id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        reuse(lines.get((int) rs.getLong(1)), rs.getLong(2), rs.getObject(3) != null, ids, reused);
      }
    }
  }
}
