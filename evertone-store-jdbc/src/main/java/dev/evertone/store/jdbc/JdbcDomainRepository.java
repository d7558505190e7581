package dev.evertone.store.jdbc;

import dev.evertone.store.Values;
import dev.evertone.store.provisioning.Domain;
import dev.evertone.store.provisioning.DomainRepository;
import dev.evertone.store.provisioning.DomainSize;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class JdbcDomainRepository implements DomainRepository {
  private final Jdbc jdbc;

  JdbcDomainRepository(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<Domain> list() {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT id, name, created_at FROM domain ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            List<Domain> out = new ArrayList<>();
            while (rs.next()) {
              out.add(domain(rs));
            }
            return out;
          }
        });
  }

  @Override
  public Optional<Domain> find(String name) {
    String domain = Values.domain(name);
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT id, name, created_at FROM domain WHERE name = ?")) {
            ps.setString(1, domain);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(domain(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public Map<String, DomainSize> sizes() {
    return jdbc.read(
        c -> {
          Map<String, int[]> counts = new HashMap<>();
          String[] tables = {"users", "device", "device_line"};
          for (int i = 0; i < tables.length; i++) {
            try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT m.name, COUNT(*) FROM "
                            + tables[i]
                            + " t JOIN domain m ON m.id = t.domain_id GROUP BY m.name");
                ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                counts.computeIfAbsent(rs.getString(1), k -> new int[3])[i] = rs.getInt(2);
              }
            }
          }
          Map<String, DomainSize> out = new HashMap<>();
          counts.forEach((d, n) -> out.put(d, new DomainSize(n[0], n[1], n[2])));
          return out;
        });
  }

  private static Domain domain(ResultSet rs) throws SQLException {
    return new Domain(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)));
  }
}
