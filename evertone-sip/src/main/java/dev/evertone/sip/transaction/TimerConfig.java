package dev.evertone.sip.transaction;

/**
 * The base timer values of RFC 3261 17 (table 4), in milliseconds. Every other timer derives from
 * them: A and E start at T1 and double (E up to T2); B, F, H, J, L and M are 64*T1; G doubles from
 * T1 up to T2; D is 32 s (or 64*T1 if larger); I and K are T4. On reliable transports A, E, G, D,
 * I, J and K are zero.
 *
 * @param t1 round-trip time estimate (default 500 ms)
 * @param t2 maximum retransmit interval for non-INVITE requests and INVITE responses (default 4 s)
 * @param t4 maximum time a message remains in the network (default 5 s)
 */
public record TimerConfig(long t1, long t2, long t4) {
  public static final TimerConfig RFC_3261 = new TimerConfig(500, 4000, 5000);

  public TimerConfig {
    if (t1 <= 0 || t2 < t1 || t4 <= 0) {
      throw new IllegalArgumentException("timers must satisfy 0 < T1 <= T2 and T4 > 0");
    }
  }

  /** Timers B, F, H, J, L, M. */
  public long timeout() {
    return 64 * t1;
  }

  /** Timer D for unreliable transports: at least 32 s (RFC 3261 17.1.1.2). */
  public long timerD() {
    return Math.max(32_000, 64 * t1);
  }
}
