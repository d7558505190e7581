package dev.evertone.tls;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which device families a new certificate chain must keep working for (the activation guard of
 * {@link CertificateManager}): their trust profiles, the profile of devices none matches, and who
 * is registered now.
 *
 * @param profiles the trust profiles by name
 * @param defaultProfile the name of the profile of devices whose User-Agent matches no profile
 * @param census the devices registered now
 */
public record DeviceTrust(
    Map<String, TrustProfile> profiles,
    String defaultProfile,
    CertificateManager.DeviceCensus census) {

  public DeviceTrust {
    // checked before the copy: the message lists the profiles in their order (built-in, then files)
    if (!profiles.containsKey(defaultProfile)) {
      throw new TlsException(
          "tls.default-profile '"
              + defaultProfile
              + "' is not a known profile; known: "
              + String.join(", ", profiles.keySet()));
    }
    profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
  }
}
