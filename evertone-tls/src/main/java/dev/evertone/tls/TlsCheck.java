package dev.evertone.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What {@code evertone tls check} reports for one served chain at a moment: every certificate,
 * whether it names the hosts devices connect to, and for each device trust profile whether such a
 * device would accept the chain, and by which path.
 *
 * @param source where the chain comes from
 * @param chain the chain as served, leaf first
 * @param at the moment checked
 * @param hosts each host name devices use, with whether the leaf names it
 * @param verdicts each profile's verdict, in profile order
 * @param devices registered devices per profile (empty when not known)
 */
public record TlsCheck(
    String source,
    List<X509Certificate> chain,
    Instant at,
    Map<String, Boolean> hosts,
    Map<String, ChainVerifier.Verdict> verdicts,
    Map<String, Integer> devices) {

  public static TlsCheck of(
      String source,
      List<X509Certificate> chain,
      Instant at,
      Collection<String> hosts,
      Collection<TrustProfile> profiles,
      Map<String, Integer> devices) {
    Map<String, Boolean> names = new java.util.LinkedHashMap<>();
    for (String h : hosts) {
      names.put(h, Certificates.matchesHost(chain.get(0), h));
    }
    Map<String, ChainVerifier.Verdict> verdicts = new java.util.LinkedHashMap<>();
    for (TrustProfile p : profiles) {
      verdicts.put(p.name(), ChainVerifier.verify(chain, p, at));
    }
    return new TlsCheck(source, List.copyOf(chain), at, names, verdicts, Map.copyOf(devices));
  }

  /** Every certificate valid at the moment, every host named, every profile accepting. */
  public boolean ok() {
    return chain.stream().allMatch(c -> Certificates.validAt(c, at))
        && !hosts.containsValue(false)
        && verdicts.values().stream().allMatch(ChainVerifier.Verdict::accepted);
  }

  /** The report as text, one fact per line. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("chain ").append(source).append(", checked at ").append(at).append('\n');
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      String validity = Certificates.validityProblem(c, at);
      out.append("  ")
          .append(i + 1)
          .append(". ")
          .append(c.getSubjectX500Principal().getName())
          .append('\n')
          .append("     issuer   ")
          .append(c.getIssuerX500Principal().getName())
          .append('\n')
          .append("     valid    ")
          .append(c.getNotBefore().toInstant())
          .append(" to ")
          .append(c.getNotAfter().toInstant())
          .append(
              validity == null ? "" : "  ** " + validity.toUpperCase(java.util.Locale.ROOT) + " **")
          .append('\n')
          .append("     key      ")
          .append(Certificates.keyDescription(c.getPublicKey()))
          .append('\n')
          .append("     sha-256  ")
          .append(Certificates.fingerprint(c))
          .append('\n');
      if (i == 0) {
        List<String> names = new ArrayList<>(Certificates.dnsNames(c));
        names.addAll(Certificates.ipAddresses(c));
        out.append("     names    ")
            .append(names.isEmpty() ? "(none)" : String.join(", ", names))
            .append('\n');
      }
    }
    for (Map.Entry<String, Boolean> h : hosts.entrySet()) {
      out.append("  host ")
          .append(h.getKey())
          .append(": ")
          .append(h.getValue() ? "matches" : "NOT NAMED by the certificate")
          .append('\n');
    }
    for (Map.Entry<String, ChainVerifier.Verdict> v : verdicts.entrySet()) {
      Integer n = devices.get(v.getKey());
      String count = n == null ? "" : " (" + n + " registered device" + (n == 1 ? "" : "s") + ")";
      ChainVerifier.Verdict verdict = v.getValue();
      if (verdict.accepted()) {
        List<String> path = new ArrayList<>();
        verdict.path().forEach(c -> path.add(ChainVerifier.describe(c)));
        out.append("  profile ")
            .append(v.getKey())
            .append(count)
            .append(": accepts, path ")
            .append(String.join(" -> ", path))
            .append('\n');
      } else {
        out.append("  profile ")
            .append(v.getKey())
            .append(count)
            .append(": REJECTS: ")
            .append(verdict.reason())
            .append('\n');
      }
    }
    return out.toString();
  }
}
