package dev.evertone.tls.testing;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The September 2021 case, rebuilt: a leaf issued by an intermediate of a new root, whose key is
 * also cross-signed by an old root that expires on 30 September 2021. Served with the
 * cross-signature (the compatible chain of the time) or without it (the alternative chain).
 */
public final class Pki2021 {
  public static final Instant OLD_ROOT_EXPIRES = Instant.parse("2021-09-30T14:01:15Z");
  public static final Instant BEFORE = Instant.parse("2021-09-15T00:00:00Z");
  public static final Instant AFTER = Instant.parse("2021-10-15T00:00:00Z");

  public final TestPki.Issued oldRoot =
      TestPki.root("DST Root CA X3", Instant.parse("2000-09-30T21:12:19Z"), OLD_ROOT_EXPIRES);
  public final TestPki.Issued newRoot =
      TestPki.root(
          "ISRG Root X1",
          Instant.parse("2015-06-04T11:04:38Z"),
          Instant.parse("2035-06-04T11:04:38Z"));

  /**
   * The new root's key, signed by the old root: valid until 2024, longer than the old root itself.
   */
  public final TestPki.Issued crossSigned =
      TestPki.ca(
          "ISRG Root X1",
          newRoot.keys(),
          oldRoot,
          Instant.parse("2021-01-20T19:14:03Z"),
          Instant.parse("2024-09-30T18:14:03Z"));

  public final TestPki.Issued intermediate =
      TestPki.ca(
          "R3",
          TestPki.ec(),
          newRoot,
          Instant.parse("2020-09-04T00:00:00Z"),
          Instant.parse("2025-09-15T16:00:00Z"));
  public final KeyPair leafKeys = TestPki.ec();
  public final TestPki.Issued leaf =
      TestPki.leaf(
          leafKeys,
          intermediate,
          Instant.parse("2021-08-20T00:00:00Z"),
          Instant.parse("2021-11-18T00:00:00Z"),
          "sip.example.com");

  /** leaf, R3, ISRG Root X1 cross-signed by DST Root CA X3. */
  public List<X509Certificate> compatibleChain() {
    return List.of(leaf.cert(), intermediate.cert(), crossSigned.cert());
  }

  /** leaf, R3: ends at the self-signed ISRG Root X1 in the device's store. */
  public List<X509Certificate> alternativeChain() {
    return List.of(leaf.cert(), intermediate.cert());
  }

  /** What devices of 2021 had in their stores: both roots. */
  public List<X509Certificate> roots() {
    return List.of(oldRoot.cert(), newRoot.cert());
  }
}
