package dev.evertone.proxy;

/**
 * What a {@link SipLeg} tells the feature that answered it: the events every leg publishes
 * (DESIGN.md, Media), whatever it is part of. Called on a SIP or a media I/O thread: fast, not
 * blocking.
 */
public interface LegListener {
  /** The party confirmed the answer (its ACK of the 2xx arrived). */
  default void answered(SipLeg leg) {}

  /**
   * The party pressed a key ({@code 0-9 * # A-D}): an RFC 4733 event in its audio or a SIP INFO
   * ({@code application/dtmf-relay}, {@code application/dtmf}), told once per press, in order.
   */
  default void dtmf(SipLeg leg, char digit) {}

  /** What {@link SipLeg#play} played without repeat came to its end. */
  default void playEnded(SipLeg leg) {}

  /**
   * The leg ended: the party hung up ({@code byParty}: its BYE or CANCEL), or evertone did ({@link
   * SipLeg#hangUp}), or the party never acknowledged the answer. Its media is closed.
   */
  default void hungUp(SipLeg leg, boolean byParty) {}
}
