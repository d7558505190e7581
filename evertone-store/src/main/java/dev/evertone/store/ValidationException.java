package dev.evertone.store;

/** A value that may not be stored, with the field it belongs to and why. */
public final class ValidationException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String reason;

  public ValidationException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  /** Why the value may not be stored, without the field in front (the message has both). */
  public String reason() {
    return reason;
  }
}
