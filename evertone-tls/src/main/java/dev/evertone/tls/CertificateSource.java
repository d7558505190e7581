package dev.evertone.tls;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where one served certificate comes from: a PEM chain file (leaf first, then each issuer) and its
 * private key, either in the same file or in its own.
 */
public record CertificateSource(Path chainFile, @Nullable Path keyFile) {

  /**
   * Parses the configuration form {@code "CHAIN-FILE [KEY-FILE]"}, e.g. {@code "fullchain.pem
   * privkey.pem"}.
   */
  public static CertificateSource parse(String spec) {
    String[] parts = spec.trim().split("\\s+", -1); // trimmed: no empty part at either end
    if (spec.isBlank() || parts.length > 2) {
      throw new TlsException(
          "a certificate is given as 'CHAIN-FILE [KEY-FILE]', e.g. 'fullchain.pem privkey.pem'; got '"
              + spec
              + "'");
    }
    return new CertificateSource(Path.of(parts[0]), parts.length == 2 ? Path.of(parts[1]) : null);
  }

  @Override
  public String toString() {
    return keyFile == null ? chainFile.toString() : chainFile + " " + keyFile;
  }
}
