package dev.evertone.provisioning;

/**
 * A secret evertone generated for a line: shown once, in the answer to the request that created it.
 */
public record GeneratedSecret(String domain, String authUser, String secret) {
  @Override
  public String toString() {
    return "GeneratedSecret[" + authUser + "@" + domain + ", secret=(hidden)]";
  }
}
