package dev.evertone.registrar;

import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the NAT mappings of UDP devices open, so that a call or a message can reach them between
 * their registrations (what Kamailio's nathelper pings do). A device is behind NAT when its
 * REGISTER came from another address than its Contact names (RFC 3581). Each gets a keep-alive
 * ("\r\n\r\n", which SIP parsers skip, RFC 5626 3.5.1) through the socket it registers to, once per
 * interval; the work is spread over the interval, a slice of the addresses-of-record each second,
 * so that it never comes in a burst. Devices on TCP, TLS and WebSocket keep their own connections
 * alive (RFC 5626 CRLF ping, answered).
 */
public final class NatKeepAlive {
  private static final byte[] KEEPALIVE = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final LocationService location;
  private final int slices;
  private final Counter sent;
  private long tick;

  /**
   * @param intervalSeconds how often each device behind NAT gets a keep-alive; call {@link #tick()}
   *     every second
   */
  public NatKeepAlive(LocationService location, int intervalSeconds, MeterRegistry meters) {
    if (intervalSeconds < 1) {
      throw new IllegalArgumentException("the keep-alive interval must be at least 1 s");
    }
    this.location = location;
    this.slices = intervalSeconds;
    this.sent =
        Counter.builder("evertone.registrar.nat.keepalives")
            .description("keep-alives sent to UDP devices behind NAT")
            .register(meters);
  }

  /** Sends the keep-alives of this second's slice; returns how many. */
  public synchronized int tick() {
    long slice = tick++ % slices;
    int[] count = {0};
    location.forEachLive(
        aor -> Math.floorMod(aor.hashCode(), slices) == slice,
        (aor, b) -> {
          Flow flow = b.flow();
          // a binding read back after a restart has no socket yet; its device registers again
          // within its interval
          if (b.transport() == TransportType.UDP && flow != null && behindNat(b)) {
            flow.send(
                KEEPALIVE,
                new InetSocketAddress(b.sourceAddress(), b.sourcePort()),
                Flow.SendFailureHandler.IGNORE);
            count[0]++;
          }
        });
    sent.increment(count[0]);
    return count[0];
  }

  /** The REGISTER came from another address or port than the Contact names. */
  static boolean behindNat(Binding b) {
    Uri contact;
    try {
      contact = Uri.parse(b.contact());
    } catch (RuntimeException e) {
      return true;
    }
    if (!(contact instanceof SipUri uri)) {
      return true;
    }
    int port = uri.port() < 0 ? 5060 : uri.port();
    return port != b.sourcePort() || !uri.host().equals(b.sourceAddress().getHostAddress());
  }
}
