package dev.evertone.store.provisioning;

/** How much a domain holds. */
public record DomainSize(int users, int devices, int lines) {
  public static final DomainSize EMPTY = new DomainSize(0, 0, 0);
}
