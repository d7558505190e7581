package dev.evertone.store.jdbc;

import dev.evertone.store.Change;
import dev.evertone.store.ConflictException;
import dev.evertone.store.Domain;
import dev.evertone.store.DomainRepository;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.Values;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class JdbcDomainRepository implements DomainRepository {
  private final Jdbc jdbc;
  private final Clock clock;

  JdbcDomainRepository(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  @Override
  public Domain add(String name) {
    String domain = Values.domain(name);
    long now = clock.millis();
    return jdbc.inTransaction(c -> {
      if (findId(c, domain) != null) {
        throw new ConflictException("domain " + domain + " already exists");
      }
      long id;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO domain (name, created_at) VALUES (?, ?)", new String[] {"id"})) {
        ps.setString(1, domain);
        ps.setLong(2, now);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
      }
      JdbcChangeFeed.record(c, Change.DOMAIN, domain, null, now);
      return new Domain(id, domain, Instant.ofEpochMilli(now));
    });
  }

  @Override
  public List<Domain> list() {
    return jdbc.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name, created_at FROM domain ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        List<Domain> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new Domain(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
        }
        return out;
      }
    });
  }

  @Override
  public Optional<Domain> find(String name) {
    String domain = Values.domain(name);
    return jdbc.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name, created_at FROM domain WHERE name = ?")) {
        ps.setString(1, domain);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Domain(rs.getLong(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public int remove(String name, boolean withDevices) {
    String domain = Values.domain(name);
    long now = clock.millis();
    return jdbc.inTransaction(c -> {
      Long id = findId(c, domain);
      if (id == null) {
        throw new NotFoundException("domain " + domain + " does not exist");
      }
      int devices;
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM device WHERE domain_id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          devices = rs.getInt(1);
        }
      }
      if (devices > 0 && !withDevices) {
        throw new ConflictException("domain " + domain + " still has " + devices + " device" + (devices == 1 ? "" : "s")
            + "; remove them first, or remove the domain with its devices");
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM device WHERE domain_id = ?")) {
        ps.setLong(1, id);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM domain WHERE id = ?")) {
        ps.setLong(1, id);
        ps.executeUpdate();
      }
      JdbcChangeFeed.record(c, Change.DOMAIN, domain, null, now);
      return devices;
    });
  }

  static Long findId(Connection c, String domain) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM domain WHERE name = ?")) {
      ps.setString(1, domain);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }
}
