package dev.evertone.store.jdbc;

import dev.evertone.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts device passwords at rest with AES-256-GCM. The key lives in a file outside the database
 * (by default {@code <data-dir>/secret.key}, created on first use, readable by its owner only), so
 * a copy of the database alone reveals no password. Each ciphertext is bound to its row (domain and
 * user as associated data): moving a ciphertext to another device makes it undecryptable rather
 * than valid.
 *
 * <p>Format: {@code v1:} + base64(12-byte IV || ciphertext || 16-byte tag).
 *
 * <p>{@link #fingerprint} gives a keyed hash (HMAC-SHA-256 with a key derived from the same file)
 * that tells whether two secrets are equal without decrypting them. It too is bound to the row, so
 * equal secrets of two devices do not show as equal fingerprints.
 */
public final class SecretCipher {
  private static final String PREFIX = "v1:";
  private static final int KEY_BYTES = 32;
  private static final int IV_BYTES = 12;
  private static final ThreadLocal<SecureRandom> RANDOM =
      ThreadLocal.withInitial(SecureRandom::new);

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> fingerprintMac;
  // Cipher.getInstance looks the provider up each time: a bulk import encrypts 100,000 secrets
  private final ThreadLocal<Cipher> gcm = ThreadLocal.withInitial(SecretCipher::newGcm);

  public SecretCipher(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("the secret key must be " + KEY_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
    // a separate key for fingerprints: the AES key is never used for anything else
    SecretKeySpec fingerprintKey =
        new SecretKeySpec(
            hmac(
                new SecretKeySpec(key, "HmacSHA256"),
                "evertone secret fingerprint v1".getBytes(StandardCharsets.US_ASCII)),
            "HmacSHA256");
    this.fingerprintMac = ThreadLocal.withInitial(() -> mac(fingerprintKey));
  }

  private static Cipher newGcm() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  private static Mac mac(SecretKeySpec key) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] hmac(SecretKeySpec key, byte[] data) {
    return mac(key).doFinal(data);
  }

  /** The fingerprint of {@code secret} on the row {@code username@domain}: 64 hex digits. */
  public String fingerprint(String secret, String domain, String username) {
    Mac m = fingerprintMac.get();
    m.update(aad(domain, username));
    m.update((byte) 0);
    return HexFormat.of().formatHex(m.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The cipher for the key in {@code file}; the file is created with a new random key if it does
   * not exist. The file holds the key base64-encoded on one line.
   */
  public static SecretCipher fromKeyFile(Path file) {
    try {
      if (!Files.exists(file)) {
        createKeyFile(file);
      }
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      byte[] key;
      try {
        key = Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new StoreException(
            "secret key file " + file + " is not base64; restore it from your backup");
      }
      if (key.length != KEY_BYTES) {
        throw new StoreException(
            "secret key file "
                + file
                + " must hold "
                + KEY_BYTES
                + " bytes; restore it from your backup");
      }
      return new SecretCipher(key);
    } catch (IOException e) {
      throw new StoreException(
          "cannot read the secret key file " + file + ": " + e.getMessage(), e);
    }
  }

  private static void createKeyFile(Path file) throws IOException {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.get().nextBytes(key);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    byte[] content =
        (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException raced) {
      return; // another process created it first; use theirs
    }
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system: rely on the directory's permissions
    }
  }

  public String encrypt(String secret, String domain, String username) {
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.get().nextBytes(iv);
      Cipher c = gcm.get();
      c.init(
          Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv)); // a fresh random IV every time
      c.updateAAD(aad(domain, username));
      byte[] ct = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return PREFIX
          + Base64.getEncoder()
              .encodeToString(ByteBuffer.allocate(IV_BYTES + ct.length).put(iv).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  public String decrypt(String stored, String domain, String username) {
    if (!stored.startsWith(PREFIX)) {
      throw new StoreException(
          "the stored password of " + username + "@" + domain + " has an unknown format");
    }
    try {
      byte[] raw = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      Cipher c = gcm.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, IV_BYTES));
      c.updateAAD(aad(domain, username));
      return new String(c.doFinal(raw, IV_BYTES, raw.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new StoreException(
          "the stored password of "
              + username
              + "@"
              + domain
              + " cannot be decrypted: wrong secret key file, or the row was altered");
    }
  }

  private static byte[] aad(String domain, String username) {
    return (username + "@" + domain).getBytes(StandardCharsets.UTF_8);
  }
}
