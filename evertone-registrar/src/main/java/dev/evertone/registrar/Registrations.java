package dev.evertone.registrar;

import dev.evertone.sip.uri.SipUri;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is registered now, and whether they can be reached: the live side of a line, for the admin
 * API and {@code evertone registrations}. An address-of-record is {@code sip:AUTH_USER@DOMAIN}, as
 * devices register it.
 */
public final class Registrations {
  private static final Logger log = LoggerFactory.getLogger(Registrations.class);

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
   * Sends OPTIONS to each contact of the line and waits for the answers, at most {@code timeout}. A
   * contact that answers 404 or 481 no longer knows the line (a softphone that crashed or was
   * reinstalled without unregistering): its binding is removed, so that calls stop ringing it.
   */
  public List<ContactPing.Result> ping(String domain, String authUser, Duration timeout) {
    List<ContactPing.Result> results = ping.ping(aor(domain, authUser), timeout).join();
    for (ContactPing.Result r : results) {
      if (r.status() == 404 || r.status() == 481) {
        List<String> removed = remove(domain, authUser, r.contact());
        if (!removed.isEmpty()) {
          log.info(
              "removed the binding of {}@{} at <{}>: its contact answered {} {}",
              authUser,
              domain,
              r.contact(),
              r.status(),
              r.reason());
        }
      }
    }
    return results;
  }

  /**
   * Removes the bindings of a line, all of them or those of one contact; returns the contacts
   * removed. The device registers again when it comes back.
   */
  public List<String> remove(String domain, String authUser, @Nullable String contact) {
    List<String> removed = new ArrayList<>();
    location.update(
        aor(domain, authUser),
        live -> {
          removed.clear(); // the update may run again after a race
          List<Binding> kept = new ArrayList<>(live.size());
          for (Binding b : live) {
            if (contact == null || b.contact().equals(contact)) {
              removed.add(b.contact());
            } else {
              kept.add(b);
            }
          }
          return kept;
        });
    return List.copyOf(removed);
  }

  private static String aor(String domain, String authUser) {
    return SipUri.of(authUser, domain).aorKey();
  }
}
