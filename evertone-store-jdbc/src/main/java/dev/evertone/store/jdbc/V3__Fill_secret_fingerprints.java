package dev.evertone.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 3: fingerprints of the secrets that version 2 moved from version 1 devices. SQL
 * cannot compute them: they are keyed with the secret key file, so this migration decrypts each
 * secret once.
 */
final class V3__Fill_secret_fingerprints extends BaseJavaMigration {
  private final SecretCipher cipher;

  V3__Fill_secret_fingerprints(SecretCipher cipher) {
    this.cipher = cipher;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    fill(
        c,
        "SELECT v.id, k.domain, k.auth_user, v.secret FROM credential_version v JOIN line_key k ON k.id = v.line_id "
            + "WHERE v.secret_hash IS NULL",
        "UPDATE credential_version SET secret_hash = ? WHERE id = ?");
  }

  private void fill(Connection c, String select, String update) throws SQLException {
    try (PreparedStatement read = c.prepareStatement(select);
        ResultSet rs = read.executeQuery();
        PreparedStatement write = c.prepareStatement(update)) {
      while (rs.next()) {
        String domain = rs.getString(2);
        String user = rs.getString(3);
        write.setString(
            1, cipher.fingerprint(cipher.decrypt(rs.getString(4), domain, user), domain, user));
        write.setLong(2, rs.getLong(1));
        write.addBatch();
      }
      write.executeBatch();
    }
  }
}
