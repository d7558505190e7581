package dev.evertone.registrar;

import dev.evertone.sip.uri.SipUri;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Who is registered now, and whether they can be reached: the live side of a line, for the admin
 * API and {@code evertone registrations}. An address-of-record is {@code sip:AUTH_USER@DOMAIN}, as
 * devices register it.
 */
public final class Registrations {
  private final LocationService location;
  private final ContactPing ping;
  private final Clock clock;

  public Registrations(LocationService location, ContactPing ping, Clock clock) {
    this.location = location;
    this.ping = ping;
    this.clock = clock;
  }

  /**
   * One registered contact.
   *
   * @param source the address and transport the REGISTER came from (after NAT)
   * @param connected for TCP, TLS and WebSocket: whether the connection it registered over is still
   *     open; null for UDP
   */
  public record Contact(
      String aor,
      String contact,
      String transport,
      String source,
      @Nullable String userAgent,
      @Nullable String instance,
      @Nullable Integer regId,
      @Nullable Double q,
      long expiresIn,
      Instant registeredAt,
      @Nullable Boolean connected) {}

  /**
   * The contacts of one line, or of every line of {@code domain} (at most {@code limit} lines) when
   * authUser is null.
   */
  public List<Contact> list(String domain, @Nullable String authUser, int limit) {
    List<String> aors =
        authUser == null ? location.aorsOf(domain, limit) : List.of(aor(domain, authUser));
    long now = clock.millis();
    List<Contact> out = new ArrayList<>();
    for (String aor : aors) {
      for (Binding b : location.lookup(aor)) {
        out.add(
            new Contact(
                aor,
                b.contact(),
                b.transport().lowerName(),
                b.sourceAddress().getHostAddress() + ":" + b.sourcePort(),
                b.userAgent(),
                b.instanceId(),
                b.regId() < 0 ? null : b.regId(),
                b.qMillis() < 0 ? null : b.qMillis() / 1000.0,
                b.secondsLeft(now),
                Instant.ofEpochMilli(b.registeredAt()),
                b.transport().isReliable() ? b.flow() != null && b.flow().isOpen() : null));
      }
    }
    return out;
  }

  /**
   * Sends OPTIONS to each contact of the line and waits for the answers, at most {@code timeout}.
   */
  public List<ContactPing.Result> ping(String domain, String authUser, Duration timeout) {
    return ping.ping(aor(domain, authUser), timeout).join();
  }

  private static String aor(String domain, String authUser) {
    return SipUri.of(authUser, domain).aorKey();
  }
}
