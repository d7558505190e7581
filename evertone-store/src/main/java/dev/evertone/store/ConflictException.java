package dev.evertone.store;

/**
 * The change would break a rule of the stored data: a duplicate name, or a domain that still has
 * devices.
 */
public final class ConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }
}
