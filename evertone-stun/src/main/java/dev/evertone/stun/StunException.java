package dev.evertone.stun;

/** A packet that is not a valid STUN message; the server discards it (RFC 8489 6.3). */
public final class StunException extends Exception {
  private static final long serialVersionUID = 1L;

  public StunException(String message) {
    super(message);
  }
}
