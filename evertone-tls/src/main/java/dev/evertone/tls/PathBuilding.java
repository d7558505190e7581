package dev.evertone.tls;

/** How a device's TLS stack turns the chain a server sends into a path to a root it trusts. */
public enum PathBuilding {
  /**
   * Tries every path: a trusted root that issued a certificate is preferred over the served chain,
   * and when one path fails (an expired certificate in it) the alternatives are tried (OpenSSL 1.1
   * and later, BoringSSL, current Java, browsers).
   */
  MODERN,
  /**
   * Follows the served chain as sent, looks in its own root store only where the served chain ends,
   * and fails on any expired certificate on that one path (OpenSSL 1.0.x, and the phones built on
   * it, with the expired cross-signed root of September 2021).
   */
  LEGACY
}
