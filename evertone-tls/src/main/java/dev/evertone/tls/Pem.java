package dev.evertone.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.jspecify.annotations.Nullable;

/**
 * Reads PEM files: certificates, and private keys in every form OpenSSL and ACME clients write
 * (PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY", SEC 1 "EC PRIVATE KEY"). Encrypted keys are
 * refused with a message that says how to decrypt them: the server has no one to ask for a
 * passphrase.
 */
public final class Pem {
  private static final JcaX509CertificateConverter CERTS = new JcaX509CertificateConverter();
  private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

  private Pem() {}

  /** What one PEM file holds: its certificates in file order, and its private key if it has one. */
  public record Contents(List<X509Certificate> certificates, @Nullable PrivateKey key) {}

  public static Contents read(Path file) {
    List<X509Certificate> certs = new ArrayList<>();
    PrivateKey key = null;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(reader)) {
      Object item;
      while ((item = pem.readObject()) != null) {
        if (item instanceof X509CertificateHolder holder) {
          certs.add(CERTS.getCertificate(holder));
        } else if (item instanceof PEMKeyPair pair) {
          key = only(key, KEYS.getPrivateKey(pair.getPrivateKeyInfo()), file);
        } else if (item instanceof PrivateKeyInfo info) {
          key = only(key, KEYS.getPrivateKey(info), file);
        } else if (item instanceof PEMEncryptedKeyPair
            || item instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new TlsException(
              file
                  + " holds an encrypted private key; evertone needs it unencrypted, readable only by"
                  + " its own user: openssl pkey -in "
                  + file
                  + " -out key.pem");
        }
        // other blocks (EC PARAMETERS, DH parameters) are not needed for serving
      }
    } catch (NoSuchFileException e) {
      throw new TlsException(file + " does not exist");
    } catch (IOException | CertificateException | RuntimeException e) {
      if (e instanceof TlsException t) {
        throw t;
      }
      throw new TlsException(file + " is not a readable PEM file: " + e.getMessage(), e);
    }
    return new Contents(List.copyOf(certs), key);
  }

  private static PrivateKey only(@Nullable PrivateKey previous, PrivateKey key, Path file) {
    if (previous != null) {
      throw new TlsException(file + " holds more than one private key; keep one key per file");
    }
    return key;
  }

  /** Every certificate in {@code file}; an error if there is none. */
  public static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> certs = read(file).certificates();
    if (certs.isEmpty()) {
      throw noCertificate(file);
    }
    return certs;
  }

  static TlsException noCertificate(Path file) {
    return new TlsException(file + " holds no certificate (no -----BEGIN CERTIFICATE----- block)");
  }
}
