package dev.evertone.media;

/**
 * A session could not be opened: no free port pair, the session limit reached, or the relay closed.
 * The message names the setting to change; the caller answers the call with an error (a proxy: 503
 * or 488) rather than bridge it without media.
 */
public final class MediaException extends Exception {
  private static final long serialVersionUID = 1L;

  public MediaException(String message) {
    super(message);
  }
}
