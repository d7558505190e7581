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

  /**
   * A party pressed a key: an RFC 4733 telephone-event began on {@code leg}'s stream ({@code
   * digit}: 0-9, *, #, A-D; flash is 'F'). Told once per key press, in order, however many packets
   * carry it. Called on a media I/O thread, as above.
   */
  default void dtmf(RelaySession session, RelayLeg leg, char digit) {}

  /**
   * What {@code leg}'s party was played ({@link RelayLeg#play}) came to its end, without repeat:
   * the party hears the other party again. Called on a media I/O thread, as above.
   */
  default void playEnded(RelaySession session, RelayLeg leg) {}
}
