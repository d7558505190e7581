package dev.evertone.store.jdbc;

import dev.evertone.store.BindingRepository;
import dev.evertone.store.StoredBinding;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Bindings in table {@code binding}: an AOR's rows are deleted and inserted again, in batches. */
final class JdbcBindingRepository implements BindingRepository {
  private static final String COLUMNS = "aor, contact, contact_params, q, call_id, cseq, expires_at, registered_at, transport, source_ip,"
      + " source_port, user_agent, instance_id, reg_id, path";

  private final Jdbc jdbc;

  JdbcBindingRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void replace(Map<String, List<StoredBinding>> byAor) {
    if (byAor.isEmpty()) {
      return;
    }
    jdbc.inTransactionQuietly(c -> {
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM binding WHERE aor = ?");
          PreparedStatement insert = c.prepareStatement("INSERT INTO binding (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Map.Entry<String, List<StoredBinding>> e : byAor.entrySet()) {
          delete.setString(1, e.getKey());
          delete.addBatch();
          for (StoredBinding b : e.getValue()) {
            Jdbc.bind(insert, b.aor(), b.contact(), b.contactParams(), b.qMillis(), b.callId(), b.cseq(), b.expiresAt(), b.registeredAt(),
                b.transport(), b.sourceIp(), b.sourcePort(), b.userAgent(), b.instanceId(), b.regId(), b.path());
            insert.addBatch();
          }
        }
        delete.executeBatch();
        insert.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<StoredBinding> live(long now) {
    return jdbc.read(c -> {
      List<StoredBinding> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM binding WHERE expires_at > ?")) {
        ps.setLong(1, now);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StoredBinding(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5), rs.getLong(6),
                rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getString(10), rs.getInt(11), rs.getString(12), rs.getString(13),
                rs.getInt(14), rs.getString(15)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public int purgeExpired(long now) {
    return jdbc.inTransactionQuietly(c -> Jdbc.update(c, "DELETE FROM binding WHERE expires_at <= ?", now));
  }
}
