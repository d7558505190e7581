package dev.evertone.store.jdbc;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where the data is.
 *
 * @param jdbcUrl the database; null means the embedded SQLite file {@code <dataDir>/evertone.db}
 * @param dataDir directory for the embedded database and the secret key file
 * @param secretKeyFile the key that encrypts passwords; null means {@code <dataDir>/secret.key}
 * @param poolSize most open database connections
 */
public record StoreConfig(
    @Nullable String jdbcUrl, Path dataDir, @Nullable Path secretKeyFile, int poolSize) {

  public String effectiveJdbcUrl() {
    return jdbcUrl != null
        ? jdbcUrl
        : "jdbc:sqlite:" + dataDir.resolve("evertone.db").toAbsolutePath();
  }

  public Path effectiveSecretKeyFile() {
    return secretKeyFile != null ? secretKeyFile : dataDir.resolve("secret.key");
  }
}
