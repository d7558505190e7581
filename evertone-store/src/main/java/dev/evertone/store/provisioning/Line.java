package dev.evertone.store.provisioning;

import java.time.Instant;

/**
 * A line of a device: one SIP account {@code authUser@domain}, registering the address-of-record
 * {@code sip:authUser@domain}. The secret itself is not part of this record: {@code versionId}
 * names the credential version in use, and {@code secretHash} is its keyed fingerprint, which tells
 * whether two secrets are equal without decrypting either.
 *
 * @param lineNo the line's position on its device, from 1
 * @param changedAt when the secret last changed
 * @param revision increases with every change; writes name the revision they were planned against
 */
public record Line(
    long id,
    long revision,
    long deviceId,
    int lineNo,
    String domain,
    String authUser,
    long versionId,
    String secretHash,
    Instant changedAt) {

  public LineKey key() {
    return new LineKey(domain, authUser);
  }

  public String aor() {
    return "sip:" + authUser + "@" + domain;
  }
}
