package dev.evertone.tls;

/**
 * A certificate, key or profile that cannot be used; the message says which file and what to do.
 */
public final class TlsException extends RuntimeException {
  public TlsException(String message) {
    super(message);
  }

  public TlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
