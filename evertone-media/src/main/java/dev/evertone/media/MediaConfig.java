package dev.evertone.media;

import java.net.InetAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The media relay's settings. Every value is named after its configuration key in the messages that
 * reject it.
 *
 * @param bindHost the address relay sockets are bound on ({@code media.bind-host})
 * @param advertisedAddress the address SDP carries for them ({@code media.advertised-address});
 *     behind a 1:1 NAT the public one; null: the bind host, which must then not be a wildcard
 * @param portMin the lowest port ({@code media.port-min}, even): each leg takes an even RTP port
 *     and the odd port above it for RTCP (RFC 3550 11)
 * @param portMax the highest port ({@code media.port-max})
 * @param ioThreads event loops ({@code media.io-threads}); 0: one per two cores
 * @param latchAnySource whether the first packet from any address may latch a leg ({@code
 *     media.latch-any-source}): for phones behind NAT whose SDP carries a private address. Off,
 *     only packets from the host signalled in SDP may latch
 * @param mediaTimeout how long a session may go without a packet from either party before it is
 *     closed and the listener told ({@code media.timeout}); zero: never
 * @param maxSessions the most sessions open at once ({@code media.max-sessions})
 * @param datagramsPerRead the most datagrams read from one socket before the event loop serves the
 *     others ({@code media.datagrams-per-read}): what bounds a flood's share of a loop
 * @param maxDatagramBytes the largest datagram received whole ({@code media.max-datagram-bytes});
 *     longer ones are cut, and so fail validation or arrive truncated
 * @param relatchAfter how long a latched party must have been silent before a packet from another
 *     port of the same host latches again ({@code media.relatch-after}): a NAT that gives a phone a
 *     new mapping mid-call; zero: never
 */
public record MediaConfig(
    InetAddress bindHost,
    @Nullable InetAddress advertisedAddress,
    int portMin,
    int portMax,
    int ioThreads,
    boolean latchAnySource,
    Duration mediaTimeout,
    int maxSessions,
    int datagramsPerRead,
    int maxDatagramBytes,
    Duration relatchAfter) {

  /** The default port range, as common SIP servers use it: 20000-29999. */
  public static final int DEFAULT_PORT_MIN = 20_000;

  public static final int DEFAULT_PORT_MAX = 29_999;

  public MediaConfig {
    if (advertisedAddress == null && bindHost.isAnyLocalAddress()) {
      throw new IllegalArgumentException(
          "media.advertised-address is needed when media.bind-host is a wildcard ("
              + bindHost.getHostAddress()
              + "): SDP must carry an address phones can reach");
    }
    if (portMin % 2 != 0 || portMin >= portMax) {
      throw new IllegalArgumentException(
          "media.port-min must be even and below media.port-max, was " + portMin + "-" + portMax);
    }
    if (portMin < 1024 || portMax > 65_535 || portMax - portMin < 3) {
      throw new IllegalArgumentException(
          "media.port-min..media.port-max must lie within 1024-65535 and hold at least two port"
              + " pairs (one session), was "
              + portMin
              + "-"
              + portMax);
    }
    if (ioThreads < 0) {
      throw new IllegalArgumentException(
          "media.io-threads must be 0 (one per two cores) or more, was " + ioThreads);
    }
    if (mediaTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "media.timeout must be zero (never) or positive, was " + mediaTimeout);
    }
    if (maxSessions < 1) {
      throw new IllegalArgumentException(
          "media.max-sessions must be at least 1, was " + maxSessions);
    }
    if (datagramsPerRead < 1 || datagramsPerRead > 1024) {
      throw new IllegalArgumentException(
          "media.datagrams-per-read must be within 1-1024, was " + datagramsPerRead);
    }
    if (relatchAfter.isNegative()) {
      throw new IllegalArgumentException(
          "media.relatch-after must be zero (never) or positive, was " + relatchAfter);
    }
    if (maxDatagramBytes < 512 || maxDatagramBytes > 65_507) {
      throw new IllegalArgumentException(
          "media.max-datagram-bytes must be within 512-65507, was " + maxDatagramBytes);
    }
  }

  /**
   * Defaults on {@code bindHost}: ports 20000-29999, one thread per two cores, latching from the
   * signalled host only, a 60 s media timeout, 2,500 sessions (what the default range's 5,000 port
   * pairs hold), 16 datagrams per read, 2,048-byte datagrams, latching again after 2 s of silence.
   */
  public static MediaConfig defaults(InetAddress bindHost) {
    return new MediaConfig(
        bindHost,
        null,
        DEFAULT_PORT_MIN,
        DEFAULT_PORT_MAX,
        0,
        false,
        Duration.ofSeconds(60),
        2_500,
        16,
        2_048,
        Duration.ofSeconds(2));
  }

  /** These settings with ports {@code min}..{@code max}. */
  public MediaConfig withPorts(int min, int max) {
    return new MediaConfig(
        bindHost,
        advertisedAddress,
        min,
        max,
        ioThreads,
        latchAnySource,
        mediaTimeout,
        maxSessions,
        datagramsPerRead,
        maxDatagramBytes,
        relatchAfter);
  }

  /** These settings with SDP carrying {@code address}. */
  public MediaConfig withAdvertisedAddress(@Nullable InetAddress address) {
    return new MediaConfig(
        bindHost,
        address,
        portMin,
        portMax,
        ioThreads,
        latchAnySource,
        mediaTimeout,
        maxSessions,
        datagramsPerRead,
        maxDatagramBytes,
        relatchAfter);
  }

  /** These settings with {@code threads} event loops. */
  public MediaConfig withIoThreads(int threads) {
    return new MediaConfig(
        bindHost,
        advertisedAddress,
        portMin,
        portMax,
        threads,
        latchAnySource,
        mediaTimeout,
        maxSessions,
        datagramsPerRead,
        maxDatagramBytes,
        relatchAfter);
  }

  /** These settings with latching from any source on or off. */
  public MediaConfig withLatchAnySource(boolean any) {
    return new MediaConfig(
        bindHost,
        advertisedAddress,
        portMin,
        portMax,
        ioThreads,
        any,
        mediaTimeout,
        maxSessions,
        datagramsPerRead,
        maxDatagramBytes,
        relatchAfter);
  }

  /** These settings with a media timeout of {@code timeout} (zero: never). */
  public MediaConfig withMediaTimeout(Duration timeout) {
    return new MediaConfig(
        bindHost,
        advertisedAddress,
        portMin,
        portMax,
        ioThreads,
        latchAnySource,
        timeout,
        maxSessions,
        datagramsPerRead,
        maxDatagramBytes,
        relatchAfter);
  }

  /** These settings with at most {@code sessions} sessions open. */
  public MediaConfig withMaxSessions(int sessions) {
    return new MediaConfig(
        bindHost,
        advertisedAddress,
        portMin,
        portMax,
        ioThreads,
        latchAnySource,
        mediaTimeout,
        sessions,
        datagramsPerRead,
        maxDatagramBytes,
        relatchAfter);
  }

  /** These settings with latching again after {@code silence} (zero: never). */
  public MediaConfig withRelatchAfter(Duration silence) {
    return new MediaConfig(
        bindHost,
        advertisedAddress,
        portMin,
        portMax,
        ioThreads,
        latchAnySource,
        mediaTimeout,
        maxSessions,
        datagramsPerRead,
        maxDatagramBytes,
        silence);
  }

  /** The event loops to run: {@link #ioThreads()}, or one per two cores when that is 0. */
  int effectiveIoThreads() {
    return ioThreads > 0 ? ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  /** The address SDP carries for the relay's ports. */
  public InetAddress sdpAddress() {
    return advertisedAddress != null ? advertisedAddress : bindHost;
  }
}
