package dev.evertone.media;

/**
 * What an {@link EndpointLeg} tells its owner. Called on the leg's media loop: hand anything slow
 * or blocking to another thread.
 */
public interface EndpointListener {
  /** Tells nothing. */
  EndpointListener NONE = new EndpointListener() {};

  /**
   * The party pressed a key: an RFC 4733 telephone-event began ({@code digit}: 0-9, *, #, A-D),
   * told once per press, in order.
   */
  default void dtmf(EndpointLeg leg, char digit) {}

  /** What {@link EndpointLeg#play} played without repeat came to its end. */
  default void playEnded(EndpointLeg leg) {}
}
