package dev.evertone.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/** Facts about certificates that a chain check and a report need. */
public final class Certificates {
  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  private Certificates() {}

  /**
   * Whether {@code issuer} signed {@code cert}: its subject is the issuer name and its key verifies
   * the signature.
   */
  public static boolean issued(X509Certificate issuer, X509Certificate cert) {
    if (!issuer.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
      return false;
    }
    try {
      cert.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  public static boolean selfSigned(X509Certificate cert) {
    return issued(cert, cert);
  }

  public static boolean validAt(X509Certificate cert, Instant at) {
    return validityProblem(cert, at) == null;
  }

  /** "expired on ..." / "not valid before ...", or null when valid at {@code at}. */
  public static @Nullable String validityProblem(X509Certificate cert, Instant at) {
    if (at.isAfter(cert.getNotAfter().toInstant())) {
      return "expired on " + cert.getNotAfter().toInstant();
    }
    if (at.isBefore(cert.getNotBefore().toInstant())) {
      return "not valid before " + cert.getNotBefore().toInstant();
    }
    return null;
  }

  /** The common name of the subject, or the whole subject when it has none. */
  public static String name(X509Certificate cert) {
    return commonName(cert.getSubjectX500Principal());
  }

  /** The common name of a distinguished name, or the whole name when it has none. */
  public static String commonName(X500Principal principal) {
    String dn = principal.getName();
    for (String part : dn.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1)) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return dn;
  }

  /** "RSA 2048", "EC 256". */
  public static String keyDescription(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return "RSA " + rsa.getModulus().bitLength();
    }
    if (key instanceof ECPublicKey ec) {
      return "EC " + ec.getParams().getOrder().bitLength();
    }
    return key.getAlgorithm();
  }

  /** SHA-256 of the DER encoding, as {@code openssl x509 -fingerprint -sha256} prints it. */
  public static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** DNS names of the subject alternative names (RFC 6125 DNS-IDs), lower case. */
  public static List<String> dnsNames(X509Certificate cert) {
    return sans(cert, SAN_DNS);
  }

  /** IP addresses of the subject alternative names. */
  public static List<String> ipAddresses(X509Certificate cert) {
    return sans(cert, SAN_IP);
  }

  private static List<String> sans(X509Certificate cert, int type) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> all = cert.getSubjectAlternativeNames();
      if (all != null) {
        for (List<?> san : all) {
          if (san.size() >= 2
              && san.get(0) instanceof Integer t
              && t == type
              && san.get(1) instanceof String v) {
            out.add(v.toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // an unparsable extension names nothing
    }
    return out;
  }

  /**
   * Whether {@code host} is one of the certificate's names (RFC 6125 6.4: DNS-IDs of the subject
   * alternative names; a wildcard only as the whole left-most label and matching exactly one label)
   * or IP addresses.
   */
  public static boolean matchesHost(X509Certificate cert, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (ipAddresses(cert).contains(h)) {
      return true;
    }
    for (String name : dnsNames(cert)) {
      if (name.equals(h)) {
        return true;
      }
      if (name.startsWith("*.") && name.indexOf('*', 1) < 0) {
        int dot = h.indexOf('.');
        if (dot > 0
            && h.substring(dot + 1).equals(name.substring(2))
            && name.substring(2).contains(".")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code key} is the private half of the certificate's public key: signs a probe and
   * verifies it.
   */
  public static boolean keyMatches(X509Certificate cert, PrivateKey key) {
    PublicKey pub = cert.getPublicKey();
    if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
      return false;
    }
    String algorithm =
        switch (pub.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] probe = "evertone key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pub);
      verifier.update(probe);
      return verifier.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
