package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.StoreException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.DeviceOp;
import dev.evertone.store.provisioning.ChangeSet.LineOp;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.ChangeSet.UpdateDevice;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.ChangeSet.UpdateUser;
import dev.evertone.store.provisioning.ChangeSet.UserOp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link ChangeSet} in one transaction. Every statement is parameterised and keyed by
 * primary key and revision, and every count is checked: a statement that would touch another row
 * than the one it names, or a row that changed since it was planned, rolls the whole change set
 * back. That is the mechanical half of the blast-radius guard: a write can only reach the rows its
 * change set names.
 *
 * <p>Each application is one change ({@code change_batch}): its credential events and new secret
 * versions name it. The writers of each aggregate ({@link DomainWriter}, {@link UserWriter}, {@link
 * DeviceWriter}, {@link LineWriter} with {@link CredentialHistory}) share one {@link
 * ChangeTransaction}; this class runs them in the one order that keeps every reference valid, and
 * records the change log and the audit events last. Rows go in by {@link Bulk} inserts; line
 * changes through a per-connection staging table, so that a hundred thousand of them cost a few
 * set-based statements rather than a hundred thousand round trips.
 */
final class ChangeSetWriter {
  private static final Logger log = LoggerFactory.getLogger(ChangeSetWriter.class);
  static final String STILL_REFERENCED =
      "the change would leave something that refers to what it removes (a device with lines, a user "
          + "with devices, a domain with users or devices); nothing was written";

  private final Jdbc jdbc;
  private final SecretCipher cipher;
  private final Clock clock;

  ChangeSetWriter(Jdbc jdbc, SecretCipher cipher, Clock clock) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.clock = clock;
  }

  void apply(ChangeSet changes, Actor actor) {
    if (changes.isEmpty() && changes.audit().isEmpty()) {
      return;
    }
    check(changes);
    // the secrets are sealed on the other cores while the transaction inserts users and devices
    // (SQLite works on this thread, PostgreSQL in a process of its own); the lines wait for them
    SecretSealing sealing = new SecretSealing(changes, true, cipher);
    long[] ran = new long[1];
    try {
      jdbc.write(
          c -> {
            long now = clock.millis();
            long changeNo = newChange(c, jdbc.dialect, changes.batchId(), actor, now);
            write(new ChangeTransaction(c, jdbc.dialect, now, changeNo), changes, actor, sealing);
            JdbcChangeFeed.notifyNodes(c, jdbc.dialect);
            ran[0] = System.nanoTime();
          });
    } finally {
      sealing.cancel();
    }
    log.debug("commit took {} ms", (System.nanoTime() - ran[0]) / 1_000_000);
  }

  /**
   * Applies {@code changes} as part of change {@code changeNo}, inside the caller's transaction (a
   * restore's recreations).
   */
  void applyWithin(Connection c, ChangeSet changes, Actor actor, long changeNo, long now)
      throws SQLException {
    check(changes);
    write(
        new ChangeTransaction(c, jdbc.dialect, now, changeNo),
        changes,
        actor,
        new SecretSealing(changes, false, cipher));
  }

  /** Records a new change (who, when, from where, which batch) and returns its number. */
  static long newChange(
      Connection c, Dialect dialect, @Nullable String batchId, Actor actor, long now)
      throws SQLException {
    long id = allocate(c, "change_batch", 1);
    Jdbc.update(
        c,
        "INSERT INTO change_batch (id, batch_id, at, actor, source) VALUES (?, ?, ?, ?, ?)",
        id,
        batchId,
        now,
        actor.name(),
        actor.source());
    return id;
  }

  /**
   * Allocates {@code count} ids of {@code name} inside the caller's transaction; returns the first.
   */
  static long allocate(Connection c, String name, long count) throws SQLException {
    if (Jdbc.update(c, "UPDATE id_allocator SET next_id = next_id + ? WHERE name = ?", count, name)
        != 1) {
      throw new StoreException("the id allocator has no entry for " + name);
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT next_id FROM id_allocator WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) - count;
      }
    }
  }

  /** Checks every value before anything is written: a bad one fails the change set at once. */
  private static void check(ChangeSet changes) {
    changes.addDomains().forEach(Values::domain);
    changes.removeDomains().forEach(Values::domain);
    for (UserOp op : changes.users()) {
      if (op instanceof CreateUser u) {
        Values.domain(u.domain());
        Values.extension(u.extension());
        Values.displayName(u.displayName());
      } else if (op instanceof UpdateUser u) {
        Values.displayName(u.displayName());
      }
    }
    for (DeviceOp op : changes.devices()) {
      if (op instanceof CreateDevice d) {
        Values.domain(d.domain());
        checkDevice(d.mac(), d.model(), d.description());
      } else if (op instanceof UpdateDevice d) {
        checkDevice(d.mac(), d.model(), d.description());
      }
    }
    for (LineOp op : changes.lines()) {
      if (op instanceof CreateLine l) {
        Values.domain(l.domain());
        Values.authUser(l.authUser());
        Values.lineNo(l.lineNo());
        if (l.secret() instanceof Plain p) {
          Values.secret(p.value());
        }
      } else if (op instanceof UpdateLine l) {
        Values.lineNo(l.lineNo());
        if (l.secret() instanceof Plain p) {
          Values.secret(p.value());
        }
      }
    }
  }

  private static void checkDevice(
      @Nullable String mac, @Nullable String model, @Nullable String description) {
    if (mac != null && !mac.equals(Values.mac(mac))) {
      throw new IllegalArgumentException("MAC addresses must be normalised before they are stored");
    }
    Values.model(model);
    Values.description(description);
  }

  /**
   * Writes a change set as one change: domains added, users and devices created and changed, lines
   * deleted, changed and created, then devices, users and domains removed (each only once nothing
   * refers to it), then the change log and the audit events.
   */
  private static void write(
      ChangeTransaction tx, ChangeSet changes, Actor actor, SecretSealing sealing)
      throws SQLException {
    DomainWriter domains = new DomainWriter(tx, changes);
    UserWriter users = new UserWriter(tx, changes.users());
    DeviceWriter devices = new DeviceWriter(tx, changes.devices());
    LineWriter lines = new LineWriter(tx, changes.lines(), new CredentialHistory(tx, sealing));
    Timings timings = new Timings();
    domains.add();
    domains.resolve();
    timings.timed("references", () -> checkReferences(tx, devices, lines));
    timings.timed("create users", users::create);
    timings.timed("update users", users::update);
    timings.timed("create devices", devices::create);
    timings.timed("update devices", devices::update);
    lines.prepareStage();
    timings.timed("delete lines", lines::delete);
    timings.timed("update lines", lines::update);
    timings.timed("create lines", lines::create);
    timings.timed("delete devices", devices::delete);
    timings.timed("delete users", users::delete);
    domains.remove();
    timings.timed(
        "change log", () -> JdbcChangeFeed.recordCredentials(tx.c, tx.credentialChanges(), tx.now));
    JdbcAuditLog.record(tx.c, changes.audit(), actor, changes.batchId(), tx.now);
    if (log.isDebugEnabled()) {
      log.debug(
          "change {} ({}): {} user, {} device, {} line operations; {}",
          tx.changeNo,
          changes.batchId(),
          changes.users().size(),
          changes.devices().size(),
          changes.lines().size(),
          timings.slow());
    }
  }

  /** The slow steps of one change, named in the debug log line of the whole change. */
  private static final class Timings {
    private final StringBuilder slow = new StringBuilder();

    interface Step {
      void run() throws SQLException;
    }

    /** Runs a step, and notes it if it took 10 ms or more. */
    void timed(String what, Step step) throws SQLException {
      long start = System.nanoTime();
      step.run();
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (ms >= 10) {
        slow.append(slow.length() == 0 ? "" : ", ")
            .append(what)
            .append(' ')
            .append(ms)
            .append(" ms");
      }
    }

    String slow() {
      return slow.length() == 0 ? "every step under 10 ms" : slow.toString();
    }
  }

  /** Every existing user and device a change set names must exist (new ones are created by it). */
  private static void checkReferences(ChangeTransaction tx, DeviceWriter devices, LineWriter lines)
      throws SQLException {
    List<Long> users = new ArrayList<>();
    devices
        .created()
        .forEach(
            d -> {
              if (d.userRef() != null && d.userRef() > 0) {
                users.add(d.userRef());
              }
            });
    devices
        .updated()
        .forEach(
            d -> {
              if (d.userRef() != null && d.userRef() > 0) {
                users.add(d.userRef());
              }
            });
    List<Long> deviceIds = new ArrayList<>();
    lines
        .created()
        .forEach(
            l -> {
              if (l.deviceRef() > 0) {
                deviceIds.add(l.deviceRef());
              }
            });
    lines
        .updated()
        .forEach(
            l -> {
              if (l.deviceRef() > 0) {
                deviceIds.add(l.deviceRef());
              }
            });
    requireExisting(tx.c, "users", "user", users);
    requireExisting(tx.c, "device", "device", deviceIds);
  }

  private static void requireExisting(Connection c, String table, String what, List<Long> ids)
      throws SQLException {
    List<Long> distinct = ids.stream().distinct().toList();
    for (int from = 0; from < distinct.size(); from += 500) {
      List<Long> chunk = distinct.subList(from, Math.min(distinct.size(), from + 500));
      long found =
          Jdbc.count(
              c,
              "SELECT COUNT(*) FROM "
                  + table
                  + " WHERE id IN ("
                  + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                  + ")",
              chunk.toArray());
      if (found != chunk.size()) {
        throw new ConflictException(
            "a "
                + what
                + " this change refers to was removed while it was prepared; nothing was written: "
                + "run it again");
      }
    }
  }
}
