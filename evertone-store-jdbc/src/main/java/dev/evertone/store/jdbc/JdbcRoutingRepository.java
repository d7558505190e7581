package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.Values;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.ForwardRule;
import dev.evertone.store.routing.PhoneNumber;
import dev.evertone.store.routing.RoutingRepository;
import dev.evertone.store.routing.Trunk;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Routing rows, each write in one transaction with its audit event and change log entry. */
final class JdbcRoutingRepository implements RoutingRepository {
  private static final String TRUNK_COLUMNS =
      "domain, name, host, port, transport, username, secret IS NOT NULL, priority, number_format, "
          + "register_interval";

  private final Jdbc jdbc;
  private final SecretCipher cipher;
  private final Clock clock;

  JdbcRoutingRepository(Jdbc jdbc, SecretCipher cipher, Clock clock) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.clock = clock;
  }

  /**
   * The secret of a trunk is bound to the trunk, as a line's is to the line (it cannot be moved to
   * another row).
   */
  private static String secretOwner(String name) {
    return "trunk:" + name;
  }

  @Override
  public List<Trunk> trunks() {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT " + TRUNK_COLUMNS + " FROM trunk ORDER BY domain, priority, name");
              ResultSet rs = ps.executeQuery()) {
            List<Trunk> out = new ArrayList<>();
            while (rs.next()) {
              out.add(
                  new Trunk(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getInt(4),
                      rs.getString(5),
                      rs.getString(6),
                      rs.getBoolean(7),
                      rs.getInt(8),
                      Trunk.NumberFormat.parse(rs.getString(9)),
                      rs.getInt(10)));
            }
            return out;
          }
        });
  }

  @Override
  public void putTrunk(Trunk t, @Nullable String secret, Actor actor) {
    if (secret != null) {
      Values.secret(secret);
    }
    long now = clock.millis();
    jdbc.write(
        c -> {
          requireDomain(c, t.domain());
          String storedSecret = null;
          long created = now;
          boolean exists = false;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT secret, created_at FROM trunk WHERE domain = ? AND name = ?")) {
            ps.setString(1, t.domain());
            ps.setString(2, t.name());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                exists = true;
                storedSecret = rs.getString(1);
                created = rs.getLong(2);
              }
            }
          }
          String encrypted =
              secret != null
                  ? cipher.encrypt(secret, t.domain(), secretOwner(t.name()))
                  : storedSecret;
          if (t.username() == null) {
            encrypted = null; // a password without an account name is never used
          }
          Jdbc.update(c, "DELETE FROM trunk WHERE domain = ? AND name = ?", t.domain(), t.name());
          Jdbc.update(
              c,
              "INSERT INTO trunk (domain, name, host, port, transport, username, secret, priority, number_format, register_interval, "
                  + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              t.domain(),
              t.name(),
              t.host(),
              t.port(),
              t.transport(),
              t.username(),
              encrypted,
              t.priority(),
              t.numberFormat().lowerName(),
              t.registerInterval(),
              created,
              now);
          String detail =
              t.transport()
                  + ":"
                  + t.host()
                  + ":"
                  + t.port()
                  + ", priority "
                  + t.priority()
                  + (t.username() == null
                      ? ""
                      : ", account " + t.username() + (secret != null ? " (password set)" : ""))
                  + (t.registerInterval() > 0
                      ? ", registers every " + t.registerInterval() + " s"
                      : "");
          changed(
              c,
              now,
              actor,
              exists ? "trunk.update" : "trunk.add",
              t.name() + "@" + t.domain(),
              detail,
              t.domain());
        });
  }

  @Override
  public boolean removeTrunk(String domain, String name, Actor actor) {
    String d = Values.domain(domain);
    long now = clock.millis();
    return jdbc.inTransaction(
        c -> {
          boolean removed =
              Jdbc.update(c, "DELETE FROM trunk WHERE domain = ? AND name = ?", d, name) > 0;
          if (removed) {
            changed(c, now, actor, "trunk.remove", name + "@" + d, null, d);
          }
          return removed;
        });
  }

  @Override
  public @Nullable String trunkSecret(String domain, String name) {
    String d = Values.domain(domain);
    String stored =
        jdbc.read(
                c -> {
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT secret FROM trunk WHERE domain = ? AND name = ?")) {
                    ps.setString(1, d);
                    ps.setString(2, name);
                    try (ResultSet rs = ps.executeQuery()) {
                      return Optional.ofNullable(rs.next() ? rs.getString(1) : null);
                    }
                  }
                })
            .orElse(null);
    return stored == null ? null : cipher.decrypt(stored, d, secretOwner(name));
  }

  @Override
  public List<PhoneNumber> numbers() {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT number, domain, extension FROM phone_number ORDER BY number");
              ResultSet rs = ps.executeQuery()) {
            List<PhoneNumber> out = new ArrayList<>();
            while (rs.next()) {
              out.add(new PhoneNumber(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
            return out;
          }
        });
  }

  @Override
  public void putNumber(PhoneNumber n, Actor actor) {
    long now = clock.millis();
    jdbc.write(
        c -> {
          requireExtension(c, n.domain(), n.extension());
          String before = null;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT domain, extension FROM phone_number WHERE number = ?")) {
            ps.setString(1, n.number());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                before = rs.getString(2) + "@" + rs.getString(1);
              }
            }
          }
          Jdbc.update(c, "DELETE FROM phone_number WHERE number = ?", n.number());
          Jdbc.update(
              c,
              "INSERT INTO phone_number (number, domain, extension, created_at) VALUES (?, ?, ?, ?)",
              n.number(),
              n.domain(),
              n.extension(),
              now);
          changed(
              c,
              now,
              actor,
              before == null ? "number.add" : "number.update",
              n.number(),
              "rings "
                  + n.extension()
                  + "@"
                  + n.domain()
                  + (before == null ? "" : " (was " + before + ")"),
              n.domain());
        });
  }

  @Override
  public boolean removeNumber(String number, Actor actor) {
    String n = PhoneNumber.e164(number);
    long now = clock.millis();
    return jdbc.inTransaction(
        c -> {
          String domain = null;
          try (PreparedStatement ps =
              c.prepareStatement("SELECT domain FROM phone_number WHERE number = ?")) {
            ps.setString(1, n);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                domain = rs.getString(1);
              }
            }
          }
          if (domain == null) {
            return false;
          }
          Jdbc.update(c, "DELETE FROM phone_number WHERE number = ?", n);
          changed(c, now, actor, "number.remove", n, null, domain);
          return true;
        });
  }

  @Override
  public List<ForwardRule> forwardRules() {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT domain, extension, kind, target, after_seconds FROM forward_rule ORDER BY domain, extension, kind");
              ResultSet rs = ps.executeQuery()) {
            List<ForwardRule> out = new ArrayList<>();
            while (rs.next()) {
              int seconds = rs.getInt(5);
              Integer after = rs.wasNull() ? null : seconds;
              out.add(
                  new ForwardRule(
                      rs.getString(1),
                      rs.getString(2),
                      ForwardRule.Kind.parse(rs.getString(3)),
                      rs.getString(4),
                      after));
            }
            return out;
          }
        });
  }

  @Override
  public void putForwardRule(ForwardRule r, Actor actor) {
    long now = clock.millis();
    jdbc.write(
        c -> {
          requireExtension(c, r.domain(), r.extension());
          if (!ForwardRule.isNumber(r.target())) {
            requireExtension(c, r.domain(), r.target());
          }
          Jdbc.update(
              c,
              "DELETE FROM forward_rule WHERE domain = ? AND extension = ? AND kind = ?",
              r.domain(),
              r.extension(),
              r.kind().lowerName());
          Jdbc.update(
              c,
              "INSERT INTO forward_rule (domain, extension, kind, target, after_seconds, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
              r.domain(),
              r.extension(),
              r.kind().lowerName(),
              r.target(),
              r.afterSeconds(),
              now);
          changed(
              c,
              now,
              actor,
              "forward.set",
              r.extension() + "@" + r.domain(),
              r.kind().lowerName()
                  + " -> "
                  + r.target()
                  + (r.afterSeconds() == null ? "" : " after " + r.afterSeconds() + " s"),
              r.domain());
        });
  }

  @Override
  public boolean removeForwardRule(
      String domain, String extension, ForwardRule.Kind kind, Actor actor) {
    String d = Values.domain(domain);
    String e = Values.extension(extension);
    long now = clock.millis();
    return jdbc.inTransaction(
        c -> {
          boolean removed =
              Jdbc.update(
                      c,
                      "DELETE FROM forward_rule WHERE domain = ? AND extension = ? AND kind = ?",
                      d,
                      e,
                      kind.lowerName())
                  > 0;
          if (removed) {
            changed(c, now, actor, "forward.remove", e + "@" + d, kind.lowerName(), d);
          }
          return removed;
        });
  }

  @Override
  public List<DialPlan> dialPlans() {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT " + PLAN_COLUMNS + " FROM dial_plan ORDER BY domain");
              ResultSet rs = ps.executeQuery()) {
            List<DialPlan> out = new ArrayList<>();
            while (rs.next()) {
              out.add(plan(rs));
            }
            return out;
          }
        });
  }

  @Override
  public Optional<DialPlan> dialPlan(String domain) {
    String d = Values.domain(domain);
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + PLAN_COLUMNS + " FROM dial_plan WHERE domain = ?")) {
            ps.setString(1, d);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(plan(rs)) : Optional.empty();
            }
          }
        });
  }

  private static final String PLAN_COLUMNS =
      "domain, country_code, national_prefix, international_prefix";

  private static DialPlan plan(ResultSet rs) throws SQLException {
    return new DialPlan(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
  }

  @Override
  public void putDialPlan(DialPlan p, Actor actor) {
    long now = clock.millis();
    jdbc.write(
        c -> {
          requireDomain(c, p.domain());
          Jdbc.update(c, "DELETE FROM dial_plan WHERE domain = ?", p.domain());
          Jdbc.update(
              c,
              "INSERT INTO dial_plan (domain, country_code, national_prefix, international_prefix, updated_at) VALUES (?, ?, ?, ?, ?)",
              p.domain(),
              p.countryCode(),
              p.nationalPrefix(),
              p.internationalPrefix(),
              now);
          changed(
              c,
              now,
              actor,
              "dialplan.set",
              p.domain(),
              "country code "
                  + p.countryCode()
                  + ", national prefix '"
                  + p.nationalPrefix()
                  + "', international prefix '"
                  + p.internationalPrefix()
                  + "'",
              p.domain());
        });
  }

  private void changed(
      Connection c,
      long now,
      Actor actor,
      String action,
      String target,
      @Nullable String detail,
      String domain)
      throws SQLException {
    JdbcAuditLog.record(c, now, actor.name(), actor.source(), action, target, detail);
    JdbcChangeFeed.record(c, CHANGE, domain, null, now);
    JdbcChangeFeed.notifyNodes(c, jdbc.dialect);
  }

  private static void requireDomain(Connection c, String domain) throws SQLException {
    if (Jdbc.count(c, "SELECT COUNT(*) FROM domain WHERE name = ?", domain) == 0) {
      throw new NotFoundException(
          "domain "
              + domain
              + " does not exist; add it first with 'evertone domain add "
              + domain
              + "'");
    }
  }

  private static void requireExtension(Connection c, String domain, String extension)
      throws SQLException {
    requireDomain(c, domain);
    if (Jdbc.count(
            c,
            "SELECT COUNT(*) FROM users u JOIN domain d ON d.id = u.domain_id WHERE d.name = ? AND u.extension = ?",
            domain,
            extension)
        == 0) {
      throw new NotFoundException(
          "extension "
              + extension
              + " does not exist in "
              + domain
              + "; add it with 'evertone user add'");
    }
  }
}
