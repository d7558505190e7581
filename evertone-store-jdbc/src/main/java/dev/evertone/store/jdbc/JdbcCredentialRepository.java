package dev.evertone.store.jdbc;

import dev.evertone.store.Actor;
import dev.evertone.store.ValidationException;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.Credential;
import dev.evertone.store.provisioning.CredentialRepository;
import dev.evertone.store.provisioning.HistoryEntry;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.provisioning.RestoreOutcome;
import dev.evertone.store.provisioning.RestoreSpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class JdbcCredentialRepository implements CredentialRepository {
  private final Jdbc jdbc;
  private final SecretCipher cipher;
  private final RestoreWriter restores;

  JdbcCredentialRepository(Jdbc jdbc, SecretCipher cipher, RestoreWriter restores) {
    this.jdbc = jdbc;
    this.cipher = cipher;
    this.restores = restores;
  }

  @Override
  public Optional<Credential> lookup(String domain, String authUser, boolean withPrevious) {
    String d;
    String u;
    try {
      d = Values.domain(domain);
      u = Values.authUser(authUser);
    } catch (ValidationException e) {
      return Optional.empty(); // a name that cannot be stored cannot have a credential
    }
    return jdbc.read(
        c -> {
          String secret;
          long changedAt;
          long previousId;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT v.secret, l.changed_at, l.previous_version_id FROM device_line l "
                      + "JOIN domain m ON m.id = l.domain_id JOIN credential_version v ON v.id = l.version_id WHERE m.name = ? AND l.auth_user = ?")) {
            ps.setString(1, d);
            ps.setString(2, u);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              secret = rs.getString(1);
              changedAt = rs.getLong(2);
              previousId = rs.getLong(3);
              if (rs.wasNull()) {
                previousId = -1;
              }
            }
          }
          String previous = null;
          if (withPrevious && previousId >= 0) {
            try (PreparedStatement ps =
                c.prepareStatement("SELECT secret FROM credential_version WHERE id = ?")) {
              ps.setLong(1, previousId);
              try (ResultSet rs = ps.executeQuery()) {
                previous = rs.next() ? cipher.decrypt(rs.getString(1), d, u) : null;
              }
            }
          }
          return Optional.of(
              new Credential(
                  d, u, cipher.decrypt(secret, d, u), Instant.ofEpochMilli(changedAt), previous));
        });
  }

  @Override
  public List<HistoryEntry> history(LineKey line) {
    return jdbc.read(
        c -> {
          List<HistoryEntry> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT e.id, e.kind, e.version_id, v.secret_hash, b.at, b.actor, b.batch_id "
                      + "FROM credential_event e JOIN change_batch b ON b.id = e.change_no LEFT JOIN credential_version v ON v.id = e.version_id "
                      + "WHERE e.line_id = (SELECT id FROM line_key WHERE domain = ? AND auth_user = ?) ORDER BY e.id")) {
            ps.setString(1, line.domain());
            ps.setString(2, line.authUser());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long version = rs.getLong(3);
                Long versionId = rs.wasNull() ? null : version;
                out.add(
                    new HistoryEntry(
                        rs.getLong(1),
                        line,
                        HistoryEntry.change(rs.getString(2)),
                        versionId,
                        rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)),
                        rs.getString(6),
                        rs.getString(7)));
              }
            }
          }
          return out;
        });
  }

  @Override
  public RestoreOutcome restore(
      RestoreSpec spec, Actor actor, String batchId, RestoreDecision decision) {
    return restores.restore(spec, actor, batchId, decision);
  }
}
