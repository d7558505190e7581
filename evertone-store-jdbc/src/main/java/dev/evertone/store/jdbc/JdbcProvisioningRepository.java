package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.Device;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.ProvisioningRepository;
import dev.evertone.store.provisioning.ProvisioningState;
import dev.evertone.store.provisioning.Scope;
import dev.evertone.store.provisioning.User;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

final class JdbcProvisioningRepository implements ProvisioningRepository {
  private static final int IN_LIST = 500;

  private final Jdbc jdbc;
  private final SecretCipher cipher;
  private final ChangeSetWriter writer;

  JdbcProvisioningRepository(Jdbc jdbc, SecretCipher cipher, ChangeSetWriter writer) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.writer = writer;
  }

  @Override
  public ProvisioningState load(@Nullable Set<String> domains) {
    return jdbc.read(
        c -> {
          c.setAutoCommit(false); // PostgreSQL streams large results only inside a transaction
          try {
            Map<Long, String> names = domainNames(c, domains);
            Map<String, Integer> counts = new HashMap<>();
            List<User> users = new ArrayList<>();
            List<Device> devices = new ArrayList<>();
            List<Line> lines = new ArrayList<>();
            for (Map.Entry<Long, String> d : names.entrySet()) {
              long id = d.getKey();
              String name = d.getValue();
              query(
                  c,
                  "SELECT id, revision, extension, display_name FROM users WHERE domain_id = ?",
                  id,
                  rs ->
                      users.add(
                          new User(
                              rs.getLong(1),
                              rs.getLong(2),
                              name,
                              rs.getString(3),
                              rs.getString(4))));
              query(
                  c,
                  "SELECT id, revision, mac, model, description, user_id, created_at, updated_at FROM device WHERE domain_id = ?",
                  id,
                  rs -> devices.add(device(rs, name)));
              int before = lines.size();
              query(
                  c,
                  "SELECT l.id, l.revision, l.device_id, l.line_no, l.auth_user, l.version_id, v.secret_hash, l.changed_at FROM device_line l "
                      + "JOIN credential_version v ON v.id = l.version_id WHERE l.domain_id = ?",
                  id,
                  rs ->
                      lines.add(
                          new Line(
                              rs.getLong(1),
                              rs.getLong(2),
                              rs.getLong(3),
                              rs.getInt(4),
                              name,
                              rs.getString(5),
                              rs.getLong(6),
                              rs.getString(7),
                              Instant.ofEpochMilli(rs.getLong(8)))));
              counts.put(name, lines.size() - before);
            }
            List<String> sorted = new ArrayList<>(names.values());
            Collections.sort(sorted);
            return new ProvisioningState(sorted, counts, users, devices, lines);
          } finally {
            c.rollback();
            c.setAutoCommit(true);
          }
        });
  }

  /** Id to name of {@code domains} that exist (every domain if null). */
  private static Map<Long, String> domainNames(Connection c, @Nullable Set<String> domains)
      throws SQLException {
    Map<Long, String> out = new HashMap<>();
    if (domains == null) {
      query(c, "SELECT id, name FROM domain", null, rs -> out.put(rs.getLong(1), rs.getString(2)));
    } else {
      for (String d : domains) {
        query(
            c,
            "SELECT id, name FROM domain WHERE name = ?",
            d,
            rs -> out.put(rs.getLong(1), rs.getString(2)));
      }
    }
    return out;
  }

  private static Device device(ResultSet rs, String domain) throws SQLException {
    long userId = rs.getLong(6);
    Long user = rs.wasNull() ? null : userId;
    return new Device(
        rs.getLong(1),
        rs.getLong(2),
        domain,
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        user,
        Instant.ofEpochMilli(rs.getLong(7)),
        Instant.ofEpochMilli(rs.getLong(8)));
  }

  @Override
  public List<String> authUsersOfExtension(String domain, String extension) {
    return jdbc.read(
        c -> {
          List<String> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT l.auth_user FROM device_line l JOIN device d ON d.id = l.device_id"
                      + " JOIN users u ON u.id = d.user_id JOIN domain m ON m.id = u.domain_id WHERE m.name = ? AND u.extension = ?"
                      + " ORDER BY d.id, l.line_no")) {
            Jdbc.bind(ps, domain.toLowerCase(java.util.Locale.ROOT), extension);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
          }
          return out;
        });
  }

  @Override
  public List<Device> devicesWithMacs(Collection<String> macs) {
    List<String> all = new ArrayList<>(macs);
    return jdbc.read(
        c -> {
          List<Device> out = new ArrayList<>();
          for (int from = 0; from < all.size(); from += IN_LIST) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST));
            String sql =
                "SELECT d.id, d.revision, d.mac, d.model, d.description, d.user_id, d.created_at, d.updated_at, m.name "
                    + "FROM device d JOIN domain m ON m.id = d.domain_id WHERE d.mac IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                    + ")";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              Jdbc.bind(ps, chunk.toArray());
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  out.add(device(rs, rs.getString(9)));
                }
              }
            }
          }
          return out;
        });
  }

  @Override
  public void apply(ChangeSet changes, Actor actor) {
    writer.apply(changes, actor);
  }

  @Override
  public List<ExportedLine> export(Scope scope) {
    List<ExportedLine> out =
        jdbc.read(
            c -> {
              List<ExportedLine> lines = new ArrayList<>();
              c.setAutoCommit(false);
              try {
                for (Map.Entry<Long, String> d : domainNames(c, scope.domains()).entrySet()) {
                  query(
                      c,
                      "SELECT u.extension, u.display_name, d.mac, d.model, d.description, l.line_no, l.auth_user, v.secret "
                          + "FROM device_line l JOIN credential_version v ON v.id = l.version_id JOIN device d ON d.id = l.device_id "
                          + "LEFT JOIN users u ON u.id = d.user_id WHERE l.domain_id = ?",
                      d.getKey(),
                      rs -> {
                        String authUser = rs.getString(7);
                        if (scope.covers(new LineKey(d.getValue(), authUser), rs.getString(3))) {
                          lines.add(
                              new ExportedLine(
                                  d.getValue(),
                                  rs.getString(1),
                                  rs.getString(2),
                                  rs.getString(3),
                                  rs.getString(4),
                                  rs.getString(5),
                                  rs.getInt(6),
                                  authUser,
                                  rs.getString(8)));
                        }
                      });
                }
              } finally {
                c.rollback();
                c.setAutoCommit(true);
              }
              return lines;
            });
    // decrypt in parallel: at a million lines this is most of the work
    List<ExportedLine> decrypted =
        out.parallelStream()
            .map(
                l ->
                    new ExportedLine(
                        l.domain(),
                        l.extension(),
                        l.displayName(),
                        l.mac(),
                        l.model(),
                        l.description(),
                        l.lineNo(),
                        l.authUser(),
                        cipher.decrypt(l.secret(), l.domain(), l.authUser())))
            .sorted(
                (a, b) ->
                    a.domain().equals(b.domain())
                        ? a.authUser().compareTo(b.authUser())
                        : a.domain().compareTo(b.domain()))
            .toList();
    return decrypted;
  }

  @Override
  public String fingerprint(LineKey key, String secret) {
    return cipher.fingerprint(secret, key.domain(), key.authUser());
  }

  interface RowHandler {
    void row(ResultSet rs) throws SQLException;
  }

  /** Runs a query with at most one parameter, streaming its rows to {@code handler}. */
  static void query(Connection c, String sql, @Nullable Object param, RowHandler handler)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setFetchSize(10_000);
      if (param != null) {
        ps.setObject(1, param);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          handler.row(rs);
        }
      }
    }
  }
}
