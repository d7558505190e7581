package dev.evertone.tls;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How TLS is spoken: protocol versions, cipher suites and client certificates.
 *
 * @param protocols e.g. TLSv1.3, TLSv1.2
 * @param ciphers cipher suites in JSSE names; empty for the defaults of the TLS library (which
 *     exclude broken ones)
 * @param clientAuth whether devices must present a certificate
 * @param clientCaFile PEM roots that client certificates must chain to (required unless clientAuth
 *     is NONE)
 * @param engine the TLS implementation
 */
public record TlsSettings(
    List<String> protocols,
    List<String> ciphers,
    ClientAuth clientAuth,
    @Nullable Path clientCaFile,
    Engine engine) {
  private static final List<String> KNOWN_PROTOCOLS =
      List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");

  public TlsSettings {
    protocols = List.copyOf(protocols);
    ciphers = List.copyOf(ciphers);
    if (protocols.isEmpty()) {
      throw new TlsException(
          "tls.protocols must name at least one protocol, e.g. [TLSv1.3, TLSv1.2]");
    }
    for (String p : protocols) {
      if (!KNOWN_PROTOCOLS.contains(p)) {
        throw new TlsException(
            "tls.protocols: unknown protocol '" + p + "'; use TLSv1.3 and TLSv1.2");
      }
    }
    if (clientAuth != ClientAuth.NONE && clientCaFile == null) {
      throw new TlsException(
          "tls.client-auth "
              + clientAuth.name().toLowerCase(java.util.Locale.ROOT)
              + " needs tls.client-ca-file: the roots that device certificates are issued by");
    }
  }

  /** TLS 1.3 and 1.2, the library's cipher suites, no client certificates. */
  public static TlsSettings defaults() {
    return new TlsSettings(
        List.of("TLSv1.3", "TLSv1.2"), List.of(), ClientAuth.NONE, null, Engine.AUTO);
  }

  /**
   * Which TLS implementation speaks to devices. BoringSSL (bundled for Linux x86-64) costs less
   * than half of the JDK's CPU per handshake and less per record; the JDK's runs everywhere.
   */
  public enum Engine {
    /** BoringSSL where it is available, else the JDK's. */
    AUTO,
    BORINGSSL,
    JDK
  }

  /** Whether devices present certificates. */
  public enum ClientAuth {
    NONE,
    OPTIONAL,
    REQUIRE
  }
}
