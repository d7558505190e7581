package dev.evertone.store.jdbc;

import dev.evertone.store.Change;
import dev.evertone.store.ConflictException;
import dev.evertone.store.Device;
import dev.evertone.store.DeviceCredential;
import dev.evertone.store.DeviceRepository;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.SecretCipher;
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
import org.jspecify.annotations.Nullable;

final class JdbcDeviceRepository implements DeviceRepository {
  private static final String SELECT =
      "SELECT d.id, m.name, d.username, d.display_name, d.created_at, d.updated_at FROM device d JOIN domain m ON m.id = d.domain_id ";

  private final Jdbc jdbc;
  private final SecretCipher cipher;
  private final Clock clock;

  JdbcDeviceRepository(Jdbc jdbc, SecretCipher cipher, Clock clock) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.clock = clock;
  }

  @Override
  public Device add(String domainName, String username, String secret, @Nullable String displayName) {
    String domain = Values.domain(domainName);
    String user = Values.username(username);
    String encrypted = cipher.encrypt(Values.secret(secret), domain, user);
    String display = Values.displayName(displayName);
    long now = clock.millis();
    return jdbc.inTransaction(c -> {
      Long domainId = JdbcDomainRepository.findId(c, domain);
      if (domainId == null) {
        throw new NotFoundException("domain " + domain + " does not exist; add it first with 'evertone domain add " + domain + "'");
      }
      if (find(c, domain, user).isPresent()) {
        throw new ConflictException("device " + user + "@" + domain + " already exists");
      }
      long id;
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO device (domain_id, username, display_name, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
          new String[] {"id"})) {
        ps.setLong(1, domainId);
        ps.setString(2, user);
        ps.setString(3, display);
        ps.setString(4, encrypted);
        ps.setLong(5, now);
        ps.setLong(6, now);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong(1);
        }
      }
      JdbcChangeFeed.record(c, Change.DEVICE, domain, user, now);
      return new Device(id, domain, user, display, Instant.ofEpochMilli(now), Instant.ofEpochMilli(now));
    });
  }

  @Override
  public int addAll(String domainName, List<NewDevice> devices) {
    String domain = Values.domain(domainName);
    // validate and encrypt everything before the transaction: a bad row changes nothing
    java.util.Set<String> users = new java.util.HashSet<>();
    List<String[]> rows = new ArrayList<>(devices.size());
    for (NewDevice d : devices) {
      String user = Values.username(d.username());
      if (!users.add(user)) {
        throw new ConflictException("device " + user + "@" + domain + " is listed twice");
      }
      rows.add(new String[] {user, Values.displayName(d.displayName()), cipher.encrypt(Values.secret(d.secret()), domain, user)});
    }
    long now = clock.millis();
    return jdbc.inTransaction(c -> {
      Long domainId = JdbcDomainRepository.findId(c, domain);
      if (domainId == null) {
        throw new NotFoundException("domain " + domain + " does not exist; add it first with 'evertone domain add " + domain + "'");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO device (domain_id, username, display_name, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
          PreparedStatement log = c.prepareStatement(
              "INSERT INTO change_log (entity, domain, username, changed_at) VALUES (?, ?, ?, ?)")) {
        int pending = 0;
        for (String[] r : rows) {
          ps.setLong(1, domainId);
          ps.setString(2, r[0]);
          ps.setString(3, r[1]);
          ps.setString(4, r[2]);
          ps.setLong(5, now);
          ps.setLong(6, now);
          ps.addBatch();
          log.setString(1, Change.DEVICE);
          log.setString(2, domain);
          log.setString(3, r[0]);
          log.setLong(4, now);
          log.addBatch();
          if (++pending == 1000) {
            ps.executeBatch();
            log.executeBatch();
            pending = 0;
          }
        }
        ps.executeBatch();
        log.executeBatch();
      }
      return rows.size();
    });
  }

  @Override
  public List<Device> list(@Nullable String domainName) {
    String domain = domainName == null ? null : Values.domain(domainName);
    return jdbc.read(c -> {
      String sql = SELECT + (domain == null ? "" : "WHERE m.name = ? ") + "ORDER BY m.name, d.username";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (domain != null) {
          ps.setString(1, domain);
        }
        try (ResultSet rs = ps.executeQuery()) {
          List<Device> out = new ArrayList<>();
          while (rs.next()) {
            out.add(device(rs));
          }
          return out;
        }
      }
    });
  }

  @Override
  public Optional<Device> find(String domain, String username) {
    String d = Values.domain(domain);
    String u = Values.username(username);
    return jdbc.read(c -> find(c, d, u));
  }

  private static Optional<Device> find(Connection c, String domain, String username) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE m.name = ? AND d.username = ?")) {
      ps.setString(1, domain);
      ps.setString(2, username);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(device(rs)) : Optional.empty();
      }
    }
  }

  private static Device device(ResultSet rs) throws SQLException {
    return new Device(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)));
  }

  @Override
  public void setSecret(String domainName, String username, String secret) {
    String domain = Values.domain(domainName);
    String user = Values.username(username);
    String encrypted = cipher.encrypt(Values.secret(secret), domain, user);
    long now = clock.millis();
    changeOne(domain, user, now,
        "UPDATE device SET secret = ?, updated_at = ? WHERE username = ? AND domain_id = (SELECT id FROM domain WHERE name = ?)",
        encrypted, now, user, domain);
  }

  @Override
  public void remove(String domainName, String username) {
    String domain = Values.domain(domainName);
    String user = Values.username(username);
    changeOne(domain, user, clock.millis(),
        "DELETE FROM device WHERE username = ? AND domain_id = (SELECT id FROM domain WHERE name = ?)", user, domain);
  }

  /**
   * Runs one parameterised statement that must change exactly the row of {@code user@domain}, and logs the
   * change, in one transaction; {@link NotFoundException} if there is no such device.
   */
  private void changeOne(String domain, String user, long now, String sql, Object... args) {
    jdbc.inTransaction(c -> {
      int changed;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          ps.setObject(i + 1, args[i]);
        }
        changed = ps.executeUpdate();
      }
      if (changed != 1) {
        throw new NotFoundException("device " + user + "@" + domain + " does not exist");
      }
      JdbcChangeFeed.record(c, Change.DEVICE, domain, user, now);
      return null;
    });
  }

  @Override
  public Optional<DeviceCredential> credential(String domain, String username) {
    String d;
    String u;
    try {
      d = Values.domain(domain);
      u = Values.username(username);
    } catch (dev.evertone.store.ValidationException e) {
      return Optional.empty(); // a name that cannot be stored cannot have a credential
    }
    return jdbc.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT d.secret FROM device d JOIN domain m ON m.id = d.domain_id WHERE m.name = ? AND d.username = ?")) {
        ps.setString(1, d);
        ps.setString(2, u);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new DeviceCredential(d, u, cipher.decrypt(rs.getString(1), d, u))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public int count(@Nullable String domainName) {
    String domain = domainName == null ? null : Values.domain(domainName);
    return jdbc.read(c -> {
      String sql = "SELECT COUNT(*) FROM device d" + (domain == null ? "" : " JOIN domain m ON m.id = d.domain_id WHERE m.name = ?");
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (domain != null) {
          ps.setString(1, domain);
        }
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }
}
