package dev.evertone.store.jdbc;

import dev.evertone.store.registration.BindingRepository;
import dev.evertone.store.registration.ClusterNode;
import dev.evertone.store.registration.StoredBinding;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Bindings in table {@code binding}: an AOR's rows are deleted and inserted again, in batches. */
final class JdbcBindingRepository implements BindingRepository {
  private static final String COLUMNS =
      "aor, contact, contact_params, q, call_id, cseq, expires_at, registered_at, transport, source_ip,"
          + " source_port, user_agent, instance_id, reg_id, path, node";

  private final Jdbc jdbc;

  JdbcBindingRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void replace(String node, Map<String, List<StoredBinding>> byAor) {
    if (byAor.isEmpty()) {
      return;
    }
    jdbc.writeQuietly(
        c -> {
          try (PreparedStatement delete =
                  c.prepareStatement("DELETE FROM binding WHERE aor = ? AND node = ?");
              PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO binding ("
                          + COLUMNS
                          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, List<StoredBinding>> e : byAor.entrySet()) {
              delete.setString(1, e.getKey());
              delete.setString(2, node);
              delete.addBatch();
              for (StoredBinding b : e.getValue()) {
                Jdbc.bind(
                    insert,
                    b.aor(),
                    b.contact(),
                    b.contactParams(),
                    b.qMillis(),
                    b.callId(),
                    b.cseq(),
                    b.expiresAt(),
                    b.registeredAt(),
                    b.transport(),
                    b.sourceIp(),
                    b.sourcePort(),
                    b.userAgent(),
                    b.instanceId(),
                    b.regId(),
                    b.path(),
                    node);
                insert.addBatch();
              }
            }
            delete.executeBatch();
            insert.executeBatch();
          }
        });
  }

  @Override
  public List<StoredBinding> live(String node, long now) {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT " + COLUMNS + " FROM binding WHERE expires_at > ? AND node = ?")) {
            ps.setLong(1, now);
            ps.setString(2, node);
            return read(ps);
          }
        });
  }

  @Override
  public List<StoredBinding> elsewhere(String node, Collection<String> aors, long now) {
    if (aors.isEmpty()) {
      return List.of();
    }
    String in = String.join(", ", java.util.Collections.nCopies(aors.size(), "?"));
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM binding WHERE aor IN ("
                      + in
                      + ") AND expires_at > ? AND node <> ?")) {
            int i = 1;
            for (String aor : aors) {
              ps.setString(i++, aor);
            }
            ps.setLong(i++, now);
            ps.setString(i, node);
            return read(ps);
          }
        });
  }

  private static List<StoredBinding> read(PreparedStatement ps) throws SQLException {
    List<StoredBinding> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new StoredBinding(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getString(5),
                rs.getLong(6),
                rs.getLong(7),
                rs.getLong(8),
                rs.getString(9),
                rs.getString(10),
                rs.getInt(11),
                rs.getString(12),
                rs.getString(13),
                rs.getInt(14),
                rs.getString(15),
                rs.getString(16)));
      }
    }
    return out;
  }

  @Override
  public void heartbeat(ClusterNode node) {
    jdbc.writeQuietly(
        c -> {
          Jdbc.update(c, "DELETE FROM cluster_node WHERE id = ?", node.id());
          Jdbc.update(
              c,
              "INSERT INTO cluster_node (id, sip_host, sip_port, last_seen) VALUES (?, ?, ?, ?)",
              node.id(),
              node.sipHost(),
              node.sipPort(),
              node.lastSeen());
        });
  }

  @Override
  public List<ClusterNode> nodes() {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, sip_host, sip_port, last_seen FROM cluster_node ORDER BY id");
              ResultSet rs = ps.executeQuery()) {
            List<ClusterNode> out = new ArrayList<>();
            while (rs.next()) {
              out.add(
                  new ClusterNode(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4)));
            }
            return out;
          }
        });
  }

  @Override
  public int purgeExpired(long now) {
    return jdbc.inTransactionQuietly(
        c -> Jdbc.update(c, "DELETE FROM binding WHERE expires_at <= ?", now));
  }
}
