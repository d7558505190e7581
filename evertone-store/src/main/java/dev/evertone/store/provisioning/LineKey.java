package dev.evertone.store.provisioning;

/** A line's identity: its auth user within its domain (the SIP account {@code authUser@domain}). */
public record LineKey(String domain, String authUser) implements Comparable<LineKey> {

  @Override
  public int compareTo(LineKey o) {
    int c = domain.compareTo(o.domain);
    return c != 0 ? c : authUser.compareTo(o.authUser);
  }

  @Override
  public String toString() {
    return authUser + "@" + domain;
  }
}
