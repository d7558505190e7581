package dev.evertone.proxy;

/**
 * The proxy's settings.
 *
 * @param timerCMillis how long a branch of an INVITE may ring unanswered before it is cancelled
 *     (RFC 3261 16.8; 16.6 step 11 asks for more than 3 minutes)
 * @param serverHeader the Server header of the responses the proxy makes itself
 */
public record ProxySettings(long timerCMillis, String serverHeader) {
  public ProxySettings {
    if (timerCMillis <= 0) {
      throw new IllegalArgumentException("Timer C must be positive, not " + timerCMillis + " ms");
    }
  }
}
