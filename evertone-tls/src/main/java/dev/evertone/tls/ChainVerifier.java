package dev.evertone.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a device of a {@link TrustProfile} accepts a served chain at a given moment, by
 * building a path the way that device's TLS stack does. No revocation checks: devices rarely do
 * them, and the question here is the one of 2021: does the device find a path of valid certificates
 * to a root it trusts.
 */
public final class ChainVerifier {
  private static final int MAX_DEPTH = 10;

  private ChainVerifier() {}

  /**
   * What a device would make of a chain.
   *
   * @param accepted whether the device would complete the handshake
   * @param path the path found (leaf first, ending at the trusted root) when accepted, else the
   *     path tried
   * @param reason why not, naming the certificate; empty when accepted
   */
  public record Verdict(boolean accepted, List<X509Certificate> path, String reason) {
    public Verdict {
      path = List.copyOf(path);
    }
  }

  /**
   * What a device of {@code profile} would make of a chain at {@code at}.
   *
   * @param served the chain as the server sends it, leaf first
   */
  public static Verdict verify(List<X509Certificate> served, TrustProfile profile, Instant at) {
    if (served.isEmpty()) {
      return new Verdict(false, List.of(), "no certificate is served");
    }
    return profile.pathBuilding() == PathBuilding.LEGACY
        ? legacy(served, profile.roots(), at)
        : modern(served, profile.roots(), at);
  }

  /** Trusted issuers first; on a dead end, back up and try the next candidate. */
  private static Verdict modern(
      List<X509Certificate> served, List<X509Certificate> roots, Instant at) {
    X509Certificate leaf = served.get(0);
    String leafProblem = Certificates.validityProblem(leaf, at);
    if (leafProblem != null) {
      return new Verdict(
          false, List.of(leaf), "the server certificate " + describe(leaf) + " " + leafProblem);
    }
    List<X509Certificate> path = new ArrayList<>(List.of(leaf));
    List<String> deadEnds = new ArrayList<>();
    if (extend(path, served, roots, at, deadEnds)) {
      return new Verdict(true, path, "");
    }
    String why =
        deadEnds.isEmpty()
            ? "no path from " + describe(leaf) + " to a trusted root"
            : String.join("; ", deadEnds);
    return new Verdict(false, List.of(leaf), why);
  }

  private static boolean extend(
      List<X509Certificate> path,
      List<X509Certificate> served,
      List<X509Certificate> roots,
      Instant at,
      List<String> deadEnds) {
    X509Certificate current = path.get(path.size() - 1);
    for (X509Certificate root : roots) {
      if (Certificates.issued(root, current)) {
        String problem = Certificates.validityProblem(root, at);
        if (problem == null) {
          if (!root.equals(current)) {
            path.add(root);
          }
          return true;
        }
        deadEnds.add("trusted root " + describe(root) + " " + problem);
      }
    }
    if (path.size() >= MAX_DEPTH) {
      return false;
    }
    for (X509Certificate candidate : served) {
      if (path.contains(candidate) || !Certificates.issued(candidate, current)) {
        continue;
      }
      String problem = Certificates.validityProblem(candidate, at);
      if (problem != null) {
        deadEnds.add(describe(candidate) + " " + problem);
        continue;
      }
      path.add(candidate);
      if (extend(path, served, roots, at, deadEnds)) {
        return true;
      }
      path.remove(path.size() - 1);
    }
    if (deadEnds.isEmpty()) {
      deadEnds.add("no trusted root issued " + describe(current));
    }
    return false;
  }

  /**
   * OpenSSL 1.0.x without X509_V_FLAG_TRUSTED_FIRST: take each issuer from the served chain when it
   * is there, from the root store only where the served chain ends; then check every certificate on
   * that single path.
   */
  private static Verdict legacy(
      List<X509Certificate> served, List<X509Certificate> roots, Instant at) {
    List<X509Certificate> path = new ArrayList<>(List.of(served.get(0)));
    boolean trusted = false;
    while (path.size() <= MAX_DEPTH) {
      X509Certificate current = path.get(path.size() - 1);
      if (Certificates.selfSigned(current)) {
        trusted = roots.contains(current);
        break;
      }
      X509Certificate issuer = firstIssuer(served, current, path);
      if (issuer == null) {
        issuer = firstIssuer(roots, current, path);
        if (issuer == null) {
          return new Verdict(
              false,
              path,
              "no issuer of " + describe(current) + " in the served chain or the trusted roots");
        }
        path.add(issuer);
        trusted = true;
        break;
      }
      path.add(issuer);
    }
    if (!trusted) {
      return new Verdict(
          false,
          path,
          "the served chain ends at "
              + describe(path.get(path.size() - 1))
              + ", which is not a trusted root");
    }
    for (X509Certificate cert : path) {
      String problem = Certificates.validityProblem(cert, at);
      if (problem != null) {
        return new Verdict(
            false,
            path,
            describe(cert)
                + " "
                + problem
                + " (the device follows the served chain and does not look for another path)");
      }
    }
    return new Verdict(true, path, "");
  }

  private static @Nullable X509Certificate firstIssuer(
      List<X509Certificate> candidates, X509Certificate cert, List<X509Certificate> path) {
    for (X509Certificate c : candidates) {
      if (!path.contains(c) && Certificates.issued(c, cert)) {
        return c;
      }
    }
    return null;
  }

  /**
   * "CN (issued by CN)", to tell a cross-signed certificate from the self-signed one of the same
   * name.
   */
  static String describe(X509Certificate cert) {
    String issuer =
        cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal())
            ? "self-signed"
            : "issued by " + Certificates.commonName(cert.getIssuerX500Principal());
    return "'" + Certificates.name(cert) + "' (" + issuer + ")";
  }
}
