package dev.evertone.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What one family of devices trusts and how it checks a chain.
 *
 * @param name short name, e.g. {@code legacy-openssl-1.0}
 * @param description who this is, in words
 * @param pathBuilding how the family's TLS stack builds paths
 * @param roots the root certificates it trusts
 * @param userAgents User-Agent patterns of the devices of this family (Java regular expressions,
 *     found anywhere in the header), so that the registered devices can be counted per profile
 * @param source where the profile came from (built in, or its file)
 */
public record TrustProfile(
    String name,
    String description,
    PathBuilding pathBuilding,
    List<X509Certificate> roots,
    List<Pattern> userAgents,
    String source) {
  public TrustProfile {
    roots = List.copyOf(roots);
    userAgents = List.copyOf(userAgents);
  }

  /** Whether a device with this User-Agent belongs to this family. */
  public boolean matches(String userAgent) {
    for (Pattern p : userAgents) {
      if (p.matcher(userAgent).find()) {
        return true;
      }
    }
    return false;
  }
}
