package dev.evertone.http;

import dev.evertone.config.AddressPrefix;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Whose request this is, for the failure limits, the audit log and the rate limits: the peer of the
 * connection, unless that peer is a trusted reverse proxy ({@code http.trusted-proxies}); then the
 * last address in its X-Forwarded-For header that is not a trusted proxy itself. Addresses left of
 * that one were written by the client and could be anything (RFC 7239 §8.1 makes the same point for
 * Forwarded), so they are never believed.
 */
final class ClientAddress {
  private final List<AddressPrefix> trusted;

  ClientAddress(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(AddressPrefix::of).toList();
  }

  private boolean trusted(String address) {
    for (AddressPrefix p : trusted) {
      if (p.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** The client of a request from {@code peer} with this X-Forwarded-For header (or none). */
  String of(String peer, @Nullable String forwardedFor) {
    if (forwardedFor == null || trusted.isEmpty() || !trusted(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",", -1);
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      if (!AddressPrefix.isValid(hop) || hop.contains("/")) {
        // garbage where an address should be: the proxy before it is all we know
        return i == hops.length - 1 ? peer : hops[i + 1].strip();
      }
      if (!trusted(hop)) {
        return hop;
      }
    }
    // every hop is a trusted proxy: the first of them is the client as far as anyone can tell
    return hops[0].strip();
  }
}
