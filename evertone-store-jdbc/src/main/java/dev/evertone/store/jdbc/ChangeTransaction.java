package dev.evertone.store.jdbc;

import dev.evertone.store.ConflictException;
import dev.evertone.store.StoreException;
import dev.evertone.store.provisioning.LineKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One application of a change set, on one connection inside one transaction, as change {@code
 * changeNo}: what its writers (domains, users, devices, lines, credentials) share. That is the ids
 * of the domains it names and of the entities it creates (by their references), and the credentials
 * it changes, for the change log.
 */
final class ChangeTransaction {
  final Connection c;
  final Dialect dialect;
  final long now;
  final long changeNo;
  private final Map<String, Long> domainIds = new HashMap<>();
  private final Map<Long, Long> refs = new HashMap<>();
  // credential changes per domain, for the change log
  private final Map<String, List<String>> credentialChanges = new TreeMap<>();

  ChangeTransaction(Connection c, Dialect dialect, long now, long changeNo) {
    this.c = c;
    this.dialect = dialect;
    this.now = now;
    this.changeNo = changeNo;
  }

  boolean knowsDomain(String name) {
    return domainIds.containsKey(name);
  }

  void domainId(String name, long id) {
    domainIds.put(name, id);
  }

  /** The id of a domain the change set creates something in. */
  long domainId(String name) {
    return Objects.requireNonNull(
        domainIds.get(name), "the domains a change set creates in are resolved before any write");
  }

  /** Records that the entity this change set calls {@code ref} was created as {@code id}. */
  void created(long ref, long id) {
    refs.put(ref, id);
  }

  /** The id a reference stands for: a created entity's reference (negative), or an id. */
  long resolve(long ref) {
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

  @Nullable Long resolveNullable(@Nullable Long ref) {
    return ref == null ? null : resolve(ref);
  }

  /** Allocates {@code count} ids of {@code name}; returns the first. */
  long allocate(String name, long count) throws SQLException {
    return ChangeSetWriter.allocate(c, name, count);
  }

  /** Inserts every row (by {@link Bulk}); fails unless each went in. */
  void insert(String table, List<String> columns, List<Object[]> rows) throws SQLException {
    long inserted = Bulk.insert(c, dialect, table, columns, rows);
    if (inserted != rows.size()) {
      throw new StoreException(
          "inserting into " + table + " wrote " + inserted + " rows instead of " + rows.size());
    }
  }

  BatchStatement batch(String sql) throws SQLException {
    return new BatchStatement(c, sql);
  }

  /**
   * Deletes rows by id and revision, each only if no row of {@code referrer} still points to it.
   */
  void deleteUnreferenced(String table, String referrer, String column, List<long[]> rows)
      throws SQLException {
    try (BatchStatement b =
        batch(
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
        throw new ConflictException(ChangeSetWriter.STILL_REFERENCED);
      }
    }
  }

  void credentialChanged(LineKey key) {
    credentialChanges.computeIfAbsent(key.domain(), d -> new ArrayList<>()).add(key.authUser());
  }

  /** The auth users whose credential this change created, changed or deleted, by domain. */
  Map<String, List<String>> credentialChanges() {
    return credentialChanges;
  }

  ConflictException changedMeanwhile(String what, int expected, long actual) {
    return new ConflictException(
        "the stored data changed while this change was prepared ("
            + expected
            + " "
            + what
            + " expected, "
            + actual
            + " found as planned); nothing was written: run it again");
  }
}
