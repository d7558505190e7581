package dev.evertone.tls.testing;

import dev.evertone.tls.Certificates;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.jspecify.annotations.Nullable;

/** Test certificate authorities, chains and PEM files, made with BouncyCastle. */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private TestPki() {}

  /** A certificate with its key pair. */
  public record Issued(X509Certificate cert, KeyPair keys) {
    public PrivateKey key() {
      return keys.getPrivate();
    }
  }

  public static KeyPair rsa() {
    return generate("RSA", 2048);
  }

  public static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      g.initialize(bits);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed CA. */
  public static Issued root(String cn, Instant from, Instant to) {
    KeyPair keys = ec();
    return new Issued(sign(cn, keys.getPublic(), cn, keys.getPrivate(), from, to, true), keys);
  }

  /**
   * A CA certificate for {@code keys} (e.g. a cross-signature of an existing root's key) issued by
   * {@code issuer}.
   */
  public static Issued ca(String cn, KeyPair keys, Issued issuer, Instant from, Instant to) {
    return new Issued(
        sign(cn, keys.getPublic(), Certificates.name(issuer.cert()), issuer.key(), from, to, true),
        keys);
  }

  /** A server certificate for {@code dnsNames}, the first also its CN. */
  public static Issued leaf(
      KeyPair keys, Issued issuer, Instant from, Instant to, String... dnsNames) {
    return new Issued(
        sign(
            dnsNames[0],
            keys.getPublic(),
            Certificates.name(issuer.cert()),
            issuer.key(),
            from,
            to,
            false,
            dnsNames),
        keys);
  }

  public static X509Certificate sign(
      String subjectCn,
      PublicKey subjectKey,
      String issuerCn,
      PrivateKey issuerKey,
      Instant from,
      Instant to,
      boolean ca,
      String... dnsNames) {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=" + issuerCn),
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(from),
              Date.from(to),
              new X500Name("CN=" + subjectCn),
              subjectKey);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              ca
                  ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                  : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (dnsNames.length > 0) {
        GeneralName[] names = new GeneralName[dnsNames.length];
        for (int i = 0; i < names.length; i++) {
          names[i] =
              new GeneralName(
                  Character.isDigit(dnsNames[i].charAt(0))
                      ? GeneralName.iPAddress
                      : GeneralName.dNSName,
                  dnsNames[i]);
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      String alg = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign a test certificate", e);
    }
  }

  /** PEM text of certificates (in order) and, if given, a PKCS#8 key. */
  public static String pem(@Nullable PrivateKey key, X509Certificate... certs) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (X509Certificate c : certs) {
        w.writeObject(c);
      }
      if (key != null) {
        w.writeObject(new JcaPKCS8Generator(key, null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * The key in the traditional OpenSSL form: "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC
   * 1).
   */
  public static String traditionalPem(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      if (key.getAlgorithm().equals("EC")) {
        // as openssl writes it: SEC 1 with the curve in its parameters field
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
            org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        w.writeObject(
            new PemObject(
                "EC PRIVATE KEY",
                new org.bouncycastle.asn1.sec.ECPrivateKey(
                        256,
                        sec1.getKey(),
                        sec1.getPublicKey(),
                        info.getPrivateKeyAlgorithm().getParameters())
                    .getEncoded()));
      } else {
        w.writeObject(key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Writes a file atomically (as certbot and Kubernetes do: a new file renamed over the old). */
  public static Path write(Path file, String text) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The key as PKCS#8 encrypted with a passphrase ("ENCRYPTED PRIVATE KEY"), as openssl genpkey
   * -aes256 writes it.
   */
  public static String encryptedPem(PrivateKey key, String passphrase) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(
          new JcaPKCS8Generator(
              key,
              new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                  .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                  .setPassword(passphrase.toCharArray())
                  .build()));
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}
