package dev.evertone.proxy;

import org.jspecify.annotations.Nullable;

/**
 * The numbers evertone answers itself, as a user agent (RFC 3261 12, 13), rather than routing: a
 * conference room now, voicemail, an IVR and park slots next. A call from a device of a domain to
 * such a number becomes a {@link SipLeg} handed to its {@link LocalService}.
 */
@FunctionalInterface
public interface LocalNumbers {
  /** No number is answered by evertone: every call is routed. */
  LocalNumbers NONE = (domain, user) -> null;

  /**
   * The service that answers {@code user} of {@code domain} (lower case), or null when that user is
   * routed as usual. Called on a SIP I/O thread for every call from a device: fast, no I/O.
   */
  @Nullable LocalService find(String domain, String user);

  /** These numbers, then {@code next}'s for a number these do not answer. */
  default LocalNumbers or(LocalNumbers next) {
    return (domain, user) -> {
      LocalService s = find(domain, user);
      return s != null ? s : next.find(domain, user);
    };
  }

  /** What answers the calls to one of its numbers. */
  @FunctionalInterface
  interface LocalService {
    /**
     * A call to the number arrived (its 100 Trying is sent): the service answers it ({@link
     * SipLeg#answer}) or refuses it ({@link SipLeg#reject}), now or later from any thread. Called
     * on a SIP I/O thread.
     */
    void offered(SipLeg leg);
  }
}
