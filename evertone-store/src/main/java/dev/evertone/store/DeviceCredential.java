package dev.evertone.store;

/**
 * The SIP password of a device, decrypted, for digest authentication. {@link #toString()} never shows it,
 * so that it cannot reach a log by accident.
 */
public record DeviceCredential(String domain, String username, String secret) {
  @Override
  public String toString() {
    return "DeviceCredential[" + username + "@" + domain + ", secret=(hidden)]";
  }
}
