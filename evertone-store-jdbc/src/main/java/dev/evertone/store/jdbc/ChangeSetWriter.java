package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.Change;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.StoreException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import dev.evertone.store.provisioning.ChangeSet.DeleteDevice;
import dev.evertone.store.provisioning.ChangeSet.DeleteLine;
import dev.evertone.store.provisioning.ChangeSet.DeleteUser;
import dev.evertone.store.provisioning.ChangeSet.DeviceOp;
import dev.evertone.store.provisioning.ChangeSet.FromVersion;
import dev.evertone.store.provisioning.ChangeSet.LineOp;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.ChangeSet.UpdateDevice;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.ChangeSet.UpdateUser;
import dev.evertone.store.provisioning.ChangeSet.UserOp;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.LineKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.IntStream;
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
 * versions name it. Rows go in by {@link Bulk} inserts; line changes through a per-connection
 * staging table, so that a hundred thousand of them cost a few set-based statements rather than a
 * hundred thousand round trips.
 */
final class ChangeSetWriter {
  private static final Logger log = LoggerFactory.getLogger(ChangeSetWriter.class);
  private static final int BATCH = 1000;
  static final String STILL_REFERENCED =
      "the change would leave something that refers to what it removes (a device with lines, a user "
          + "with devices, a domain with users or devices); nothing was written";

  private static final String STAGE_DDL =
      "CREATE TEMPORARY TABLE IF NOT EXISTS stage_line ("
          + "seq BIGINT NOT NULL, line_id BIGINT NOT NULL, op CHAR(1) NOT NULL, revision BIGINT, device_id BIGINT, line_no INTEGER, "
          + "version_id BIGINT, kind CHAR(1))";
  private static final List<String> STAGE_COLUMNS =
      List.of("seq", "line_id", "op", "revision", "device_id", "line_no", "version_id", "kind");

  private final Jdbc jdbc;
  private final SecretCipher cipher;
  private final Clock clock;

  ChangeSetWriter(Jdbc jdbc, SecretCipher cipher, Clock clock) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.clock = clock;
  }

  /** A Plain secret, validated and encrypted before the transaction starts. */
  record Sealed(String ciphertext, String hash) {}

  void apply(ChangeSet changes, Actor actor) {
    if (changes.isEmpty() && changes.audit().isEmpty()) {
      return;
    }
    check(changes);
    Sealing sealing = new Sealing(changes, jdbc.dialect == Dialect.POSTGRESQL);
    long[] ran = new long[1];
    try {
      jdbc.inTransaction(
          c -> {
            long now = clock.millis();
            long changeNo = newChange(c, jdbc.dialect, changes.batchId(), actor, now);
            new Transaction(c, changes, actor, sealing, now, changeNo).run();
            notifyNodes(c, jdbc.dialect);
            ran[0] = System.nanoTime();
            return null;
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
    new Transaction(c, changes, actor, new Sealing(changes, false), now, changeNo).run();
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

  /** Wakes the caches of every node (PostgreSQL delivers the notification at commit). */
  static void notifyNodes(Connection c, Dialect dialect) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
        ps.setString(1, Dialect.CHANNEL);
        ps.execute();
      }
    }
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

  /**
   * Encrypts and fingerprints every new secret of a change set (the CPU-heavy part of an import) on
   * every core; {@link #get} waits for the result.
   */
  private final class Sealing {
    private final FutureTask<Map<LineOp, Sealed>> task;

    /**
     * @param background seal while the transaction inserts users and devices: right where the
     *     database works in a process of its own (PostgreSQL), so that this one would only wait;
     *     with SQLite the same threads do both and it would only add contention, so the secrets are
     *     sealed first (before the write lock)
     */
    Sealing(ChangeSet changes, boolean background) {
      List<LineOp> withSecrets = new ArrayList<>();
      for (LineOp op : changes.lines()) {
        if ((op instanceof CreateLine l && l.secret() instanceof Plain)
            || (op instanceof UpdateLine u && u.secret() instanceof Plain)) {
          withSecrets.add(op);
        }
      }
      task = new FutureTask<>(() -> seal(withSecrets));
      if (background && withSecrets.size() >= 1000) {
        Thread t = new Thread(task, "secret-sealing");
        t.setDaemon(true);
        t.start();
      } else {
        task.run();
      }
    }

    private Map<LineOp, Sealed> seal(List<LineOp> ops) {
      long start = System.nanoTime();
      Sealed[] out = new Sealed[ops.size()];
      IntStream.range(0, out.length)
          .parallel()
          .forEach(
              i -> {
                if (task.isCancelled()) {
                  return;
                }
                LineOp op = ops.get(i);
                LineKey key =
                    op instanceof CreateLine l
                        ? new LineKey(l.domain(), l.authUser())
                        : ((UpdateLine) op).key();
                String secret =
                    ((Plain) (op instanceof CreateLine l ? l.secret() : ((UpdateLine) op).secret()))
                        .value();
                out[i] =
                    new Sealed(
                        cipher.encrypt(secret, key.domain(), key.authUser()),
                        cipher.fingerprint(secret, key.domain(), key.authUser()));
              });
      // by identity: each operation is one object of the change set, and records hash every field
      Map<LineOp, Sealed> byOp = new IdentityHashMap<>(out.length);
      for (int i = 0; i < out.length; i++) {
        byOp.put(ops.get(i), out[i]);
      }
      if (out.length > 0) {
        log.debug(
            "{} secrets encrypted in {} ms", out.length, (System.nanoTime() - start) / 1_000_000);
      }
      return byOp;
    }

    /** The sealed secrets by operation, once all are done. */
    Map<LineOp, Sealed> get() {
      try {
        return task.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while encrypting secrets", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new StoreException("cannot encrypt secrets: " + e.getCause(), e);
      }
    }

    /** Stops the work if the transaction failed before it needed the result. */
    void cancel() {
      task.cancel(false);
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
   * One application of a change set, on one connection inside one transaction, as change {@code
   * changeNo}.
   */
  private final class Transaction {
    private final Connection c;
    private final Dialect dialect;
    private final ChangeSet changes;
    private final Actor actor;
    private final Sealing sealing;
    private final long now;
    private final long changeNo;
    private final Map<String, Long> domainIds = new HashMap<>();
    private final Map<Long, Long> refs = new HashMap<>();
    // credential changes per domain, for the change log
    private final Map<String, List<String>> credentialChanges = new TreeMap<>();
    private final StringBuilder timings = new StringBuilder();

    Transaction(
        Connection c, ChangeSet changes, Actor actor, Sealing sealing, long now, long changeNo) {
      this.c = c;
      this.dialect = jdbc.dialect;
      this.changes = changes;
      this.actor = actor;
      this.sealing = sealing;
      this.now = now;
      this.changeNo = changeNo;
    }

    void run() throws SQLException {
      addDomains();
      resolveDomains();
      List<CreateUser> newUsers = new ArrayList<>();
      List<UpdateUser> changedUsers = new ArrayList<>();
      List<DeleteUser> deletedUsers = new ArrayList<>();
      for (UserOp op : changes.users()) {
        if (op instanceof CreateUser u) {
          newUsers.add(u);
        } else if (op instanceof UpdateUser u) {
          changedUsers.add(u);
        } else {
          deletedUsers.add((DeleteUser) op);
        }
      }
      List<CreateDevice> newDevices = new ArrayList<>();
      List<UpdateDevice> changedDevices = new ArrayList<>();
      List<DeleteDevice> deletedDevices = new ArrayList<>();
      for (DeviceOp op : changes.devices()) {
        if (op instanceof CreateDevice d) {
          newDevices.add(d);
        } else if (op instanceof UpdateDevice d) {
          changedDevices.add(d);
        } else {
          deletedDevices.add((DeleteDevice) op);
        }
      }
      List<CreateLine> newLines = new ArrayList<>();
      List<UpdateLine> changedLines = new ArrayList<>();
      List<DeleteLine> deletedLines = new ArrayList<>();
      for (LineOp op : changes.lines()) {
        if (op instanceof CreateLine l) {
          newLines.add(l);
        } else if (op instanceof UpdateLine l) {
          changedLines.add(l);
        } else {
          deletedLines.add((DeleteLine) op);
        }
      }

      timed(
          "references", () -> checkReferences(newDevices, changedDevices, newLines, changedLines));
      timed("create users", () -> createUsers(newUsers));
      timed("update users", () -> updateUsers(changedUsers));
      timed("create devices", () -> createDevices(newDevices));
      timed("update devices", () -> updateDevices(changedDevices));
      if (!changes.lines().isEmpty()) {
        resetStage(c, dialect);
      }
      timed("delete lines", () -> deleteLines(deletedLines));
      timed("update lines", () -> updateLines(changedLines));
      timed("create lines", () -> createLines(newLines));
      timed(
          "delete devices",
          () ->
              deleteUnreferenced(
                  "device",
                  "device_line",
                  "device_id",
                  deletedDevices.stream().map(d -> new long[] {d.id(), d.revision()}).toList()));
      timed(
          "delete users",
          () ->
              deleteUnreferenced(
                  "users",
                  "device",
                  "user_id",
                  deletedUsers.stream().map(u -> new long[] {u.id(), u.revision()}).toList()));
      removeDomains();
      timed("change log", () -> logChanges(c, credentialChanges, now));
      audit(c, changes.audit(), actor, changes.batchId(), now);
      if (log.isDebugEnabled()) {
        log.debug(
            "change {} ({}): {} user, {} device, {} line operations; {}",
            changeNo,
            changes.batchId(),
            changes.users().size(),
            changes.devices().size(),
            changes.lines().size(),
            timings.length() == 0 ? "every step under 10 ms" : timings);
      }
    }

    interface Step {
      void run() throws SQLException;
    }

    /** Runs a step; the slow ones are named in the debug log line of the whole change. */
    private void timed(String what, Step step) throws SQLException {
      long start = System.nanoTime();
      step.run();
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (ms >= 10) {
        timings
            .append(timings.length() == 0 ? "" : ", ")
            .append(what)
            .append(' ')
            .append(ms)
            .append(" ms");
      }
    }

    private void addDomains() throws SQLException {
      for (String name : changes.addDomains()) {
        String domain = Values.domain(name);
        Jdbc.update(c, "INSERT INTO domain (name, created_at) VALUES (?, ?)", domain, now);
        JdbcChangeFeed.record(c, Change.DOMAIN, domain, null, now);
      }
    }

    /**
     * The id of every domain the change set names; {@link NotFoundException} for one that does not
     * exist.
     */
    private void resolveDomains() throws SQLException {
      List<String> names = new ArrayList<>();
      changes
          .users()
          .forEach(
              op -> {
                if (op instanceof CreateUser u) {
                  names.add(u.domain());
                }
              });
      changes
          .devices()
          .forEach(
              op -> {
                if (op instanceof CreateDevice d) {
                  names.add(d.domain());
                }
              });
      changes
          .lines()
          .forEach(
              op -> {
                if (op instanceof CreateLine l) {
                  names.add(l.domain());
                }
              });
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM domain WHERE name = ?")) {
        for (String name : names) {
          if (domainIds.containsKey(name)) {
            continue;
          }
          ps.setString(1, name);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new NotFoundException(
                  "domain "
                      + name
                      + " does not exist; add it first with 'evertone domain add "
                      + name
                      + "'");
            }
            domainIds.put(name, rs.getLong(1));
          }
        }
      }
    }

    private long domainId(String name) {
      return domainIds.get(name);
    }

    /** The id a reference stands for: a created entity's reference (negative), or an id. */
    private long resolve(long ref) {
      if (ref > 0) {
        return ref;
      }
      Long id = refs.get(ref);
      if (id == null) {
        throw new IllegalArgumentException(
            "reference " + ref + " names no entity created by this change set");
      }
      return id;
    }

    private @Nullable Long resolveNullable(@Nullable Long ref) {
      return ref == null ? null : resolve(ref);
    }

    private void insert(String table, List<String> columns, List<Object[]> rows)
        throws SQLException {
      long inserted = Bulk.insert(c, dialect, table, columns, rows);
      if (inserted != rows.size()) {
        throw new StoreException(
            "inserting into " + table + " wrote " + inserted + " rows instead of " + rows.size());
      }
    }

    private void createUsers(List<CreateUser> users) throws SQLException {
      if (users.isEmpty()) {
        return;
      }
      long id = allocate(c, "users", users.size());
      List<Object[]> rows = new ArrayList<>(users.size());
      for (CreateUser u : users) {
        refs.put(u.ref(), id);
        rows.add(
            new Object[] {
              id++,
              1L,
              domainId(u.domain()),
              u.extension(),
              Values.displayName(u.displayName()),
              now,
              now
            });
      }
      insert(
          "users",
          List.of(
              "id",
              "revision",
              "domain_id",
              "extension",
              "display_name",
              "created_at",
              "updated_at"),
          rows);
    }

    private void updateUsers(List<UpdateUser> users) throws SQLException {
      try (Batch b =
          new Batch(
              "UPDATE users SET display_name = ?, revision = revision + 1, updated_at = ? WHERE id = ? AND revision = ?")) {
        for (UpdateUser u : users) {
          b.add(Values.displayName(u.displayName()), now, u.id(), u.revision());
        }
        b.expectEach("a user");
      }
    }

    private void createDevices(List<CreateDevice> devices) throws SQLException {
      if (devices.isEmpty()) {
        return;
      }
      long id = allocate(c, "device", devices.size());
      List<Object[]> rows = new ArrayList<>(devices.size());
      for (CreateDevice d : devices) {
        refs.put(d.ref(), id);
        rows.add(
            new Object[] {
              id++,
              1L,
              domainId(d.domain()),
              d.mac(),
              Values.model(d.model()),
              Values.description(d.description()),
              resolveNullable(d.userRef()),
              now,
              now
            });
      }
      insert(
          "device",
          List.of(
              "id",
              "revision",
              "domain_id",
              "mac",
              "model",
              "description",
              "user_id",
              "created_at",
              "updated_at"),
          rows);
    }

    private void updateDevices(List<UpdateDevice> devices) throws SQLException {
      try (Batch b =
          new Batch(
              "UPDATE device SET mac = ?, model = ?, description = ?, user_id = ?, revision = revision + 1, "
                  + "updated_at = ? WHERE id = ? AND revision = ?")) {
        for (UpdateDevice d : devices) {
          b.add(
              d.mac(),
              Values.model(d.model()),
              Values.description(d.description()),
              resolveNullable(d.userRef()),
              now,
              d.id(),
              d.revision());
        }
        b.expectEach("a device");
      }
    }

    /** New credential versions for the Plain secrets of {@code ops} (by op); returns their ids. */
    private Map<LineOp, Long> newVersions(List<? extends LineOp> ops, Map<LineOp, Long> lineIds)
        throws SQLException {
      Map<LineOp, Sealed> sealed = sealing.get();
      List<LineOp> plain = new ArrayList<>();
      for (LineOp op : ops) {
        if (sealed.containsKey(op)) {
          plain.add(op);
        }
      }
      Map<LineOp, Long> ids = new IdentityHashMap<>();
      if (plain.isEmpty()) {
        return ids;
      }
      long id = allocate(c, "credential_version", plain.size());
      List<Object[]> rows = new ArrayList<>(plain.size());
      for (LineOp op : plain) {
        Sealed s = sealed.get(op);
        ids.put(op, id);
        rows.add(new Object[] {id++, lineIds.get(op), s.ciphertext(), s.hash(), changeNo});
      }
      insert(
          "credential_version",
          List.of("id", "line_id", "secret", "secret_hash", "change_no"),
          rows);
      return ids;
    }

    /** The version a secret stands for: a new one, or one that exists. */
    private @Nullable Long versionOf(
        ChangeSet.@Nullable Secret secret, LineOp op, Map<LineOp, Long> newVersions) {
      if (secret == null) {
        return null;
      }
      return secret instanceof FromVersion v ? v.versionId() : newVersions.get(op);
    }

    private void deleteLines(List<DeleteLine> lines) throws SQLException {
      if (lines.isEmpty()) {
        return;
      }
      List<Object[]> rows = new ArrayList<>(lines.size());
      long seq = 0;
      for (DeleteLine l : lines) {
        rows.add(new Object[] {seq++, l.id(), "D", l.revision(), null, null, null, "d"});
        credentialChanged(l.key());
      }
      stage(rows);
      long events = allocate(c, "credential_event", lines.size());
      // the event first, and where the line was: a restore can put it back
      Jdbc.update(
          c,
          "INSERT INTO credential_event (id, line_id, change_no, kind, version_id, previous_version_id) "
              + "SELECT ? + s.seq, s.line_id, ?, 'd', NULL, l.version_id FROM stage_line s JOIN device_line l ON l.id = s.line_id "
              + "AND l.revision = s.revision WHERE s.op = 'D'",
          events,
          changeNo);
      Jdbc.update(
          c,
          "UPDATE line_key SET deleted_change = ?, mac = d.mac, model = d.model, description = d.description, "
              + "extension = u.extension, display_name = u.display_name, line_no = l.line_no "
              + "FROM stage_line s JOIN device_line l ON l.id = s.line_id JOIN device d ON d.id = l.device_id "
              + "LEFT JOIN users u ON u.id = d.user_id WHERE s.op = 'D' AND line_key.id = s.line_id",
          changeNo);
      int deleted =
          Jdbc.update(
              c,
              "DELETE FROM device_line WHERE EXISTS (SELECT 1 FROM stage_line s "
                  + "WHERE s.op = 'D' AND s.line_id = device_line.id AND s.revision = device_line.revision)");
      if (deleted != lines.size()) {
        throw changedMeanwhile("lines", lines.size(), deleted);
      }
    }

    private void updateLines(List<UpdateLine> lines) throws SQLException {
      if (lines.isEmpty()) {
        return;
      }
      Map<LineOp, Long> lineIds = new IdentityHashMap<>();
      lines.forEach(l -> lineIds.put(l, l.id()));
      Map<LineOp, Long> versions = newVersions(lines, lineIds);
      List<Object[]> rows = new ArrayList<>(lines.size());
      long seq = 0;
      int withSecret = 0;
      for (UpdateLine l : lines) {
        Long version = versionOf(l.secret(), l, versions);
        rows.add(
            new Object[] {
              seq++,
              l.id(),
              "U",
              l.revision(),
              resolve(l.deviceRef()),
              l.lineNo(),
              version,
              version == null ? null : HistoryEntry.code(l.change())
            });
        if (version != null) {
          withSecret++;
          credentialChanged(l.key());
        }
      }
      stage(rows);
      checkVersionsBelongToTheirLines();
      if (withSecret > 0) {
        long events = allocate(c, "credential_event", lines.size());
        // before the update: the version a line had is the event's previous one
        int recorded =
            Jdbc.update(
                c,
                "INSERT INTO credential_event (id, line_id, change_no, kind, version_id, previous_version_id) "
                    + "SELECT ? + s.seq, s.line_id, ?, s.kind, s.version_id, l.version_id FROM stage_line s JOIN device_line l "
                    + "ON l.id = s.line_id AND l.revision = s.revision WHERE s.op = 'U' AND s.version_id IS NOT NULL",
                events,
                changeNo);
        if (recorded != withSecret) {
          throw changedMeanwhile("lines", withSecret, recorded);
        }
      }
      int updated =
          Jdbc.update(
              c,
              "UPDATE device_line SET device_id = s.device_id, line_no = s.line_no, "
                  + "previous_version_id = CASE WHEN s.version_id IS NULL THEN device_line.previous_version_id ELSE device_line.version_id END, "
                  + "version_id = COALESCE(s.version_id, device_line.version_id), "
                  + "change_no = CASE WHEN s.version_id IS NULL THEN device_line.change_no ELSE ? END, "
                  + "changed_at = CASE WHEN s.version_id IS NULL THEN device_line.changed_at ELSE ? END, "
                  + "revision = device_line.revision + 1, updated_at = ? "
                  + "FROM stage_line s WHERE s.op = 'U' AND s.line_id = device_line.id AND s.revision = device_line.revision",
              changeNo,
              now,
              now);
      if (updated != lines.size()) {
        throw changedMeanwhile("lines", lines.size(), updated);
      }
    }

    /**
     * A line may only be pointed at a version of its own secret (its ciphertext is bound to the
     * line anyway).
     */
    private void checkVersionsBelongToTheirLines() throws SQLException {
      long foreign =
          Jdbc.count(
              c,
              "SELECT COUNT(*) FROM stage_line s LEFT JOIN credential_version v "
                  + "ON v.id = s.version_id WHERE s.version_id IS NOT NULL AND (v.id IS NULL OR v.line_id <> s.line_id)");
      if (foreign > 0) {
        throw new IllegalArgumentException(
            foreign + " line(s) would be given a credential version that is not theirs");
      }
    }

    private void createLines(List<CreateLine> lines) throws SQLException {
      if (lines.isEmpty()) {
        return;
      }
      Map<LineOp, Long> keyIds = keyIds(lines);
      Map<LineOp, Long> versions = newVersions(lines, keyIds);
      List<Object[]> lineRows = new ArrayList<>(lines.size());
      List<Object[]> stageRows = new ArrayList<>(lines.size());
      List<Object[]> eventRows = new ArrayList<>(lines.size());
      long event = allocate(c, "credential_event", lines.size());
      long seq = 0;
      for (CreateLine l : lines) {
        long id = keyIds.get(l);
        Long version = versionOf(l.secret(), l, versions);
        lineRows.add(
            new Object[] {
              id,
              1L,
              resolve(l.deviceRef()),
              l.lineNo(),
              domainId(l.domain()),
              l.authUser(),
              version,
              changeNo,
              now,
              now,
              now
            });
        stageRows.add(new Object[] {seq++, id, "C", null, null, null, version, null});
        eventRows.add(
            new Object[] {event++, id, changeNo, HistoryEntry.code(l.change()), version, null});
        credentialChanged(new LineKey(l.domain(), l.authUser()));
      }
      if (lines.stream().anyMatch(l -> l.secret() instanceof FromVersion)) {
        stage(stageRows);
        checkVersionsBelongToTheirLines();
      }
      insert(
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
      insert(
          "credential_event",
          List.of("id", "line_id", "change_no", "kind", "version_id", "previous_version_id"),
          eventRows);
    }

    /**
     * The stable id of each new line: the one its auth user had before, if the line existed once
     * (so that its history continues), or a new one.
     */
    /**
     * The line key of each new line: the one its name had before (a line deleted earlier and now
     * created again keeps its history), or a new one. A name held by a line that exists is a
     * conflict.
     */
    private Map<LineOp, Long> keyIds(List<CreateLine> lines) throws SQLException {
      Map<LineOp, Long> ids = new IdentityHashMap<>(lines.size());
      Map<String, List<CreateLine>> byDomain = new TreeMap<>();
      lines.forEach(l -> byDomain.computeIfAbsent(l.domain(), d -> new ArrayList<>()).add(l));
      List<CreateLine> staged = new ArrayList<>();
      try (Batch reused = new Batch("UPDATE line_key SET deleted_change = NULL WHERE id = ?")) {
        for (Map.Entry<String, List<CreateLine>> d : byDomain.entrySet()) {
          long known = Jdbc.count(c, "SELECT COUNT(*) FROM line_key WHERE domain = ?", d.getKey());
          if (known == 0) {
            continue; // a new domain, or one whose lines all come from this change: nothing to look
            // up
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
              c.prepareStatement(
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
        long id = allocate(c, "line_key", fresh.size());
        List<Object[]> rows = new ArrayList<>(fresh.size());
        for (CreateLine l : fresh) {
          ids.put(l, id);
          rows.add(new Object[] {id++, l.domain(), l.authUser()});
        }
        insert("line_key", List.of("id", "domain", "auth_user"), rows);
      }
      return ids;
    }

    private void reuse(
        CreateLine line, long keyId, boolean taken, Map<LineOp, Long> ids, Batch reused)
        throws SQLException {
      if (taken) {
        throw new ConflictException(
            "the auth user "
                + line.authUser()
                + "@"
                + line.domain()
                + " is already taken by a line");
      }
      ids.put(line, keyId);
      reused.add(keyId);
    }

    /** Finds the keys of {@code lines} by a join with a staging table of their names. */
    private void lookUpStaged(List<CreateLine> lines, Map<LineOp, Long> ids, Batch reused)
        throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS stage_key (seq BIGINT NOT NULL, domain VARCHAR(253) NOT NULL, "
                + "auth_user VARCHAR(64) NOT NULL)");
      }
      Bulk.clear(c, dialect, "stage_key");
      List<Object[]> keys = new ArrayList<>(lines.size());
      for (int i = 0; i < lines.size(); i++) {
        keys.add(new Object[] {(long) i, lines.get(i).domain(), lines.get(i).authUser()});
      }
      insert("stage_key", List.of("seq", "domain", "auth_user"), keys);
      try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT s.seq, k.id, l.id FROM stage_key s JOIN line_key k ON k.domain = s.domain "
                      + "AND k.auth_user = s.auth_user LEFT JOIN device_line l ON l.id = k.id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reuse(
              lines.get((int) rs.getLong(1)), rs.getLong(2), rs.getObject(3) != null, ids, reused);
        }
      }
    }

    private void stage(List<Object[]> rows) throws SQLException {
      Bulk.clear(c, dialect, "stage_line");
      insert("stage_line", STAGE_COLUMNS, rows);
      if (dialect == Dialect.POSTGRESQL && rows.size() > 10_000) {
        try (Statement s = c.createStatement()) {
          s.execute("ANALYZE stage_line"); // temporary tables have no statistics until asked
        }
      }
    }

    /**
     * Deletes rows by id and revision, each only if no row of {@code referrer} still points to it.
     */
    private void deleteUnreferenced(String table, String referrer, String column, List<long[]> rows)
        throws SQLException {
      try (Batch b =
          new Batch(
              "DELETE FROM "
                  + table
                  + " WHERE id = ? AND revision = ? AND NOT EXISTS (SELECT 1 FROM "
                  + referrer
                  + " r WHERE r."
                  + column
                  + " = "
                  + table
                  + ".id)")) {
        for (long[] r : rows) {
          b.add(r[0], r[1]);
        }
        if (b.count() != rows.size()) {
          throw new ConflictException(STILL_REFERENCED);
        }
      }
    }

    /**
     * Every existing user and device a change set names must exist (new ones are created by it).
     */
    private void checkReferences(
        List<CreateDevice> newDevices,
        List<UpdateDevice> changedDevices,
        List<CreateLine> newLines,
        List<UpdateLine> changedLines)
        throws SQLException {
      List<Long> users = new ArrayList<>();
      newDevices.forEach(
          d -> {
            if (d.userRef() != null && d.userRef() > 0) {
              users.add(d.userRef());
            }
          });
      changedDevices.forEach(
          d -> {
            if (d.userRef() != null && d.userRef() > 0) {
              users.add(d.userRef());
            }
          });
      List<Long> devices = new ArrayList<>();
      newLines.forEach(
          l -> {
            if (l.deviceRef() > 0) {
              devices.add(l.deviceRef());
            }
          });
      changedLines.forEach(
          l -> {
            if (l.deviceRef() > 0) {
              devices.add(l.deviceRef());
            }
          });
      requireExisting("users", "user", users);
      requireExisting("device", "device", devices);
    }

    private void requireExisting(String table, String what, List<Long> ids) throws SQLException {
      List<Long> distinct = ids.stream().distinct().toList();
      for (int from = 0; from < distinct.size(); from += 500) {
        List<Long> chunk = distinct.subList(from, Math.min(distinct.size(), from + 500));
        long found =
            Jdbc.count(
                c,
                "SELECT COUNT(*) FROM "
                    + table
                    + " WHERE id IN ("
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"))
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

    private void removeDomains() throws SQLException {
      for (String name : changes.removeDomains()) {
        String domain = Values.domain(name);
        if (Jdbc.update(
                c,
                "DELETE FROM domain WHERE name = ? AND NOT EXISTS (SELECT 1 FROM users u WHERE u.domain_id = domain.id) "
                    + "AND NOT EXISTS (SELECT 1 FROM device d WHERE d.domain_id = domain.id) "
                    + "AND NOT EXISTS (SELECT 1 FROM device_line l WHERE l.domain_id = domain.id)",
                domain)
            != 1) {
          if (Jdbc.count(c, "SELECT COUNT(*) FROM domain WHERE name = ?", domain) > 0) {
            throw new ConflictException(STILL_REFERENCED);
          }
          throw new NotFoundException("domain " + domain + " does not exist");
        }
        // its routing goes with it: a domain added again later starts without the old trunks and
        // numbers
        for (String table : new String[] {"trunk", "phone_number", "forward_rule", "dial_plan"}) {
          Jdbc.update(c, "DELETE FROM " + table + " WHERE domain = ?", domain);
        }
        JdbcChangeFeed.record(c, Change.DOMAIN, domain, null, now);
      }
    }

    private void credentialChanged(LineKey key) {
      credentialChanges.computeIfAbsent(key.domain(), d -> new ArrayList<>()).add(key.authUser());
    }

    private ConflictException changedMeanwhile(String what, int expected, long actual) {
      return new ConflictException(
          "the stored data changed while this change was prepared ("
              + expected
              + " "
              + what
              + " expected, "
              + actual
              + " found as planned); nothing was written: run it again");
    }

    /**
     * A prepared statement executed in batches of {@value ChangeSetWriter#BATCH}, with its counts
     * kept.
     */
    private final class Batch implements AutoCloseable {
      private final PreparedStatement ps;
      private int pending;
      private long added;
      private long changed;

      Batch(String sql) throws SQLException {
        this.ps = c.prepareStatement(sql);
      }

      void add(@Nullable Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
          if (args[i] == null) {
            ps.setNull(i + 1, Types.NULL);
          } else {
            ps.setObject(i + 1, args[i]);
          }
        }
        ps.addBatch();
        added++;
        if (++pending == BATCH) {
          flush();
        }
      }

      private void flush() throws SQLException {
        if (pending > 0) {
          changed += Jdbc.sum(ps.executeBatch());
          pending = 0;
        }
      }

      /** Flushes; the rows the statements changed. */
      long count() throws SQLException {
        flush();
        return changed;
      }

      /** Flushes, and fails unless every statement changed exactly one row. */
      void expectEach(String what) throws SQLException {
        flush();
        if (changed != added) {
          throw new ConflictException(
              what
                  + " changed or disappeared while this change was prepared ("
                  + added
                  + " expected, "
                  + changed
                  + " found as planned); nothing was written: run it again");
        }
      }

      @Override
      public void close() throws SQLException {
        ps.close();
      }
    }
  }

  static void resetStage(Connection c, Dialect dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(STAGE_DDL);
    }
  }

  /**
   * One change log entry per credential changed, or one for a whole domain when very many changed
   * there.
   */
  static void logChanges(Connection c, Map<String, List<String>> credentialChanges, long now)
      throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : credentialChanges.entrySet()) {
      if (e.getValue().size() > Change.DOMAIN_WIDE_AFTER) {
        rows.add(new Object[] {Change.DOMAIN, e.getKey(), null, now});
      } else {
        for (String user : e.getValue()) {
          rows.add(new Object[] {Change.CREDENTIAL, e.getKey(), user, now});
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(JdbcChangeFeed.INSERT)) {
      for (Object[] r : rows) {
        Jdbc.bind(ps, r);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static void audit(
      Connection c,
      List<ChangeSet.AuditEntry> entries,
      Actor actor,
      @Nullable String batchId,
      long now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_event (at, actor, source, action, target, detail, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (ChangeSet.AuditEntry e : entries) {
        Jdbc.bind(
            ps,
            now,
            actor.name(),
            actor.source(),
            e.action(),
            truncate(e.target(), 512),
            truncate(e.detail(), 4000),
            batchId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static @Nullable String truncate(@Nullable String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
