package dev.evertone.store;

/**
 * A store operation that failed: invalid input, a conflict, a missing entity, or the database
 * itself.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
