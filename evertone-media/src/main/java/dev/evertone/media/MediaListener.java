package dev.evertone.media;

/** What the relay tells its owner about sessions it ends by itself. */
@FunctionalInterface
public interface MediaListener {
  /**
   * {@code session} went {@link MediaConfig#mediaTimeout()} without a packet from either party and
   * is closed (its ports are free): the call is dead, hang it up. Called on a media I/O thread:
   * hand anything slow or blocking to another thread.
   */
  void mediaTimedOut(RelaySession session);
}
