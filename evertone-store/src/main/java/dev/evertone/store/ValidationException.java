package dev.evertone.store;

/** A value that may not be stored, with the field it belongs to and why. */
public final class ValidationException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public ValidationException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
