package dev.evertone.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A certificate chain and its key, read from a {@link CertificateSource} and checked. */
public record ServedCertificate(
    CertificateSource source, List<X509Certificate> chain, PrivateKey key) {
  public ServedCertificate {
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /**
   * Reads and checks: a key that belongs to the leaf, a chain in order (each certificate issued by
   * the next), every certificate valid at {@code now}. Anything else is refused with what to fix.
   */
  public static ServedCertificate load(CertificateSource source, Instant now) {
    ServedCertificate served = read(source);
    List<String> problems = served.problems(now);
    if (!problems.isEmpty()) {
      throw new TlsException(source + ": " + String.join("; ", problems));
    }
    return served;
  }

  /**
   * Reads the chain and the key without checking them against each other or the date (for reports).
   */
  public static ServedCertificate read(CertificateSource source) {
    Pem.Contents chainFile = Pem.read(source.chainFile());
    if (chainFile.certificates().isEmpty()) {
      throw Pem.noCertificate(source.chainFile());
    }
    PrivateKey key = chainFile.key();
    if (source.keyFile() != null) {
      key = Pem.read(source.keyFile()).key();
      if (key == null) {
        throw new TlsException(
            source.keyFile() + " holds no private key (no -----BEGIN ... PRIVATE KEY----- block)");
      }
    } else if (key == null) {
      throw new TlsException(
          source.chainFile()
              + " holds no private key: give the key file after the chain file, e.g. '"
              + source.chainFile()
              + " privkey.pem'");
    }
    return new ServedCertificate(source, chainFile.certificates(), key);
  }

  /** What is wrong with this chain at {@code now}; empty when it can be served. */
  public List<String> problems(Instant now) {
    List<String> out = new ArrayList<>();
    if (!Certificates.keyMatches(leaf(), key)) {
      out.add(
          "the private key does not belong to the certificate '" + Certificates.name(leaf()) + "'");
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      String validity = Certificates.validityProblem(c, now);
      if (validity != null) {
        out.add("certificate '" + Certificates.name(c) + "' " + validity);
      }
      if (i + 1 < chain.size() && !Certificates.issued(chain.get(i + 1), c)) {
        out.add(
            "certificate "
                + (i + 2)
                + " in the file ('"
                + Certificates.name(chain.get(i + 1))
                + "') did not issue certificate "
                + (i + 1)
                + " ('"
                + Certificates.name(c)
                + "'): list the leaf first, then each issuer in order");
      }
    }
    return out;
  }

  /** The earliest end of validity in the chain. */
  public Instant expires() {
    Instant first = Instant.MAX;
    for (X509Certificate c : chain) {
      Instant end = c.getNotAfter().toInstant();
      if (end.isBefore(first)) {
        first = end;
      }
    }
    return first;
  }
}
