package dev.evertone.store.calls;

import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One call through evertone, as it ended.
 *
 * @param id the store's key (0 before it is stored)
 * @param callId the SIP Call-ID
 * @param domain the domain whose call it was, lower case
 * @param caller the caller's address (From URI without parameters)
 * @param callee the address called (To URI without parameters)
 * @param trunk the trunk the call came in or went out through; null for a call between devices
 * @param direction internal, outbound (to a carrier) or inbound (from a carrier)
 * @param setupAt when the INVITE arrived
 * @param answeredAt when the first 2xx went back; null for a call never answered
 * @param endedAt when the BYE or the final failure response passed
 * @param status the final SIP status the caller got: 200 for an answered call
 * @param endedBy who ended the call
 * @param quality the relay's measurements; null for a call whose media was not anchored
 */
public record CallRecord(
    long id,
    String callId,
    String domain,
    String caller,
    String callee,
    @Nullable String trunk,
    Direction direction,
    Instant setupAt,
    @Nullable Instant answeredAt,
    Instant endedAt,
    int status,
    EndedBy endedBy,
    @Nullable Quality quality) {

  /** Where a call went. */
  public enum Direction {
    INTERNAL,
    OUTBOUND,
    INBOUND;

    /** The name as the API and CLI show it. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Who ended a call: a party's BYE or CANCEL, a refusal, or evertone (a timeout, a failure). */
  public enum EndedBy {
    CALLER,
    CALLEE,
    SYSTEM;

    /** The name as the API and CLI show it. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a call ended, for the counter and for reading the list: one word per kind of outcome. */
  public String outcome() {
    if (answeredAt != null) {
      return "answered";
    }
    return switch (status) {
      case 486, 600 -> "busy";
      case 408, 480 -> "no_answer";
      case 487 -> "cancelled";
      default -> "failed";
    };
  }

  /**
   * An anchored call's media as the relay measured it; "caller" is what the caller sent to the
   * relay (what the callee heard), "callee" the other way.
   *
   * @param mos the lower of the two directions' estimated mean opinion scores (1 to 4.5)
   */
  public record Quality(
      long callerPackets,
      long calleePackets,
      long callerLost,
      long calleeLost,
      double callerJitterMs,
      double calleeJitterMs,
      double mos) {}
}
