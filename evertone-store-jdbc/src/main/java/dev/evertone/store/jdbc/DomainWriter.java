package dev.evertone.store.jdbc;

import dev.evertone.store.Change;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateDevice;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.CreateUser;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The domains of a change set: the new ones added first, the ones it creates users, devices and
 * lines in resolved to their ids, and the removed ones (with their routing) deleted last.
 */
final class DomainWriter {
  private final ChangeTransaction tx;
  private final ChangeSet changes;

  DomainWriter(ChangeTransaction tx, ChangeSet changes) {
    this.tx = tx;
    this.changes = changes;
  }

  void add() throws SQLException {
    for (String name : changes.addDomains()) {
      String domain = Values.domain(name);
      Jdbc.update(tx.c, "INSERT INTO domain (name, created_at) VALUES (?, ?)", domain, tx.now);
      JdbcChangeFeed.record(tx.c, Change.DOMAIN, domain, null, tx.now);
    }
  }

  /**
   * The id of every domain the change set creates something in; {@link NotFoundException} for one
   * that does not exist.
   */
  void resolve() throws SQLException {
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
    try (PreparedStatement ps = tx.c.prepareStatement("SELECT id FROM domain WHERE name = ?")) {
      for (String name : names) {
        if (tx.knowsDomain(name)) {
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
          tx.domainId(name, rs.getLong(1));
        }
      }
    }
  }

  void remove() throws SQLException {
    for (String name : changes.removeDomains()) {
      String domain = Values.domain(name);
      if (Jdbc.update(
              tx.c,
              "DELETE FROM domain WHERE name = ? AND NOT EXISTS (SELECT 1 FROM users u WHERE u.domain_id = domain.id) "
                  + "AND NOT EXISTS (SELECT 1 FROM device d WHERE d.domain_id = domain.id) "
                  + "AND NOT EXISTS (SELECT 1 FROM device_line l WHERE l.domain_id = domain.id)",
              domain)
          != 1) {
        if (Jdbc.count(tx.c, "SELECT COUNT(*) FROM domain WHERE name = ?", domain) > 0) {
          throw new ConflictException(ChangeSetWriter.STILL_REFERENCED);
        }
        throw new NotFoundException("domain " + domain + " does not exist");
      }
      removeRouting(domain);
      JdbcChangeFeed.record(tx.c, Change.DOMAIN, domain, null, tx.now);
    }
  }

  /**
   * A removed domain's routing goes with it: a domain added again later starts without the old
   * trunks and numbers.
   */
  private void removeRouting(String domain) throws SQLException {
    for (String table : new String[] {"trunk", "phone_number", "forward_rule", "dial_plan"}) {
      Jdbc.update(tx.c, "DELETE FROM " + table + " WHERE domain = ?", domain);
    }
  }
}
