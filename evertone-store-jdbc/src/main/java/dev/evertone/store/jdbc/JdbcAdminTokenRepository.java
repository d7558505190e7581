package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.ConflictException;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.ValidationException;
import dev.evertone.store.admin.AdminToken;
import dev.evertone.store.admin.AdminTokenRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Tokens are 32 random bytes, base64url, prefixed {@code evt_} so that secret scanners recognise
 * them. A token has 256 bits of entropy, so a plain SHA-256 of it is safe to store (no salt or slow
 * hash needed, unlike for passwords people choose).
 */
final class JdbcAdminTokenRepository implements AdminTokenRepository {
  static final String PREFIX = "evt_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Jdbc jdbc;
  private final Clock clock;

  JdbcAdminTokenRepository(Jdbc jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  private static String name(String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new ValidationException(
          "name", "'" + name + "' is not a token name; use 1-64 letters, digits, '.', '_' or '-'");
    }
    return name;
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String create(String tokenName, Actor actor) {
    String name = name(tokenName);
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    long now = clock.millis();
    jdbc.write(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM admin_token WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                throw new ConflictException(
                    "a token named "
                        + name
                        + " already exists; revoke it first or choose another name");
              }
            }
          }
          Jdbc.update(
              c,
              "INSERT INTO admin_token (name, token_hash, created_at, created_by) VALUES (?, ?, ?, ?)",
              name,
              hash(token),
              now,
              actor.name());
          JdbcAuditLog.record(c, now, actor.name(), actor.source(), "token.create", name, null);
        });
    return token;
  }

  @Override
  public List<AdminToken> list() {
    return jdbc.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT name, created_at, created_by, last_used_at FROM admin_token ORDER BY name");
              ResultSet rs = ps.executeQuery()) {
            List<AdminToken> out = new ArrayList<>();
            while (rs.next()) {
              long used = rs.getLong(4);
              Instant lastUsed = rs.wasNull() ? null : Instant.ofEpochMilli(used);
              out.add(
                  new AdminToken(
                      rs.getString(1),
                      Instant.ofEpochMilli(rs.getLong(2)),
                      rs.getString(3),
                      lastUsed));
            }
            return out;
          }
        });
  }

  @Override
  public void revoke(String tokenName, Actor actor) {
    String name = name(tokenName);
    long now = clock.millis();
    jdbc.write(
        c -> {
          if (Jdbc.update(c, "DELETE FROM admin_token WHERE name = ?", name) != 1) {
            throw new NotFoundException(
                "there is no token named " + name + "; 'evertone token list' shows them");
          }
          JdbcAuditLog.record(c, now, actor.name(), actor.source(), "token.revoke", name, null);
        });
  }

  @Override
  public Optional<String> verify(String token) {
    if (!token.startsWith(PREFIX) || token.length() > 100) {
      return Optional.empty();
    }
    String hash = hash(token);
    long now = clock.millis();
    record Found(String name, long lastUsed) {}
    Optional<Found> found =
        jdbc.read(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT name, last_used_at FROM admin_token WHERE token_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next()
                      ? Optional.of(new Found(rs.getString(1), rs.getLong(2)))
                      : Optional.<Found>empty();
                }
              }
            });
    // record the use at most once a minute, so that a busy client does not turn every read into a
    // write
    if (found.isPresent() && found.get().lastUsed() < now - 60_000) {
      jdbc.inTransaction(
          c ->
              Jdbc.update(
                  c, "UPDATE admin_token SET last_used_at = ? WHERE token_hash = ?", now, hash));
    }
    return found.map(Found::name);
  }
}
