package dev.evertone.provisioning;

/** A user as an import names it: an extension of a domain. */
record UserKey(String domain, String extension) {
  @Override
  public String toString() {
    return extension + "@" + domain;
  }
}
