package dev.evertone.conference;

import dev.evertone.media.MediaRelay;
import dev.evertone.proxy.LocalNumbers;
import dev.evertone.proxy.SipLeg;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.store.NotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conference rooms of {@code conference.rooms}: the numbers evertone answers itself ({@link
 * LocalNumbers}), the rooms with people in them, and what the admin API and the CLI do to them
 * (list, show, mute, kick). A room opens on its first call, on one media loop of the relay, and
 * closes when its last party leaves.
 *
 * <p>The rooms are configuration, not stored records: they are few, change rarely, and need no
 * migration or provisioning API to start with; per-domain rooms created by domain admins through
 * the API are the next step, behind the same {@link #find} (a repository read into memory, as the
 * routing table is).
 */
public final class Conferences implements LocalNumbers, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Conferences.class);

  private final ConferenceSettings settings;
  private final MediaRelay relay;
  private final Prompts prompts;
  private final Map<String, RoomSpec> rooms = new LinkedHashMap<>();
  private final Map<String, Room> active = new ConcurrentHashMap<>();
  private final AtomicInteger participants = new AtomicInteger();
  private final Counter lateFrames;
  private final MeterRegistry meters;

  private Conferences(
      ConferenceSettings settings, MediaRelay relay, Prompts prompts, MeterRegistry meters) {
    this.settings = settings;
    this.relay = relay;
    this.prompts = prompts;
    this.meters = meters;
    for (RoomSpec r : settings.rooms()) {
      rooms.put(r.id(), r);
    }
    Gauge.builder("evertone.conference.rooms", active, Map::size)
        .description("Conference rooms with someone in them")
        .register(meters);
    Gauge.builder("evertone.conference.participants", participants, AtomicInteger::get)
        .description("Parties in conference rooms (asked for the PIN or joined)")
        .register(meters);
    lateFrames =
        Counter.builder("evertone.conference.frames.late")
            .description(
                "Mixed 20 ms frames sent more than 5 ms late (the mixing loop was too busy or paused)")
            .register(meters);
  }

  /**
   * The rooms of {@code settings}, mixed on {@code relay}'s loops, with the built-in prompts.
   *
   * @throws IOException when a built-in prompt cannot be read (a broken jar)
   */
  public static Conferences start(
      ConferenceSettings settings, MediaRelay relay, MeterRegistry meters) throws IOException {
    Conferences c = new Conferences(settings, relay, Prompts.builtIn(), meters);
    log.info(
        "conference rooms: {}",
        settings.rooms().stream().map(r -> r.id() + (r.pin() == null ? "" : " (PIN)")).toList());
    return c;
  }

  ConferenceSettings settings() {
    return settings;
  }

  Prompts prompts() {
    return prompts;
  }

  Counter lateFrames() {
    return lateFrames;
  }

  void participants(int change) {
    participants.addAndGet(change);
  }

  void joined(String how) {
    Counter.builder("evertone.conference.joins")
        .description("Parties that joined a room, by how (open room, right PIN)")
        .tag("how", how)
        .register(meters)
        .increment();
  }

  void refused(String why) {
    Counter.builder("evertone.conference.refused")
        .description("Calls to a room refused or ended before joining, by reason")
        .tag("reason", why)
        .register(meters)
        .increment();
  }

  @Override
  public @Nullable LocalService find(String domain, String user) {
    return rooms.containsKey(user + "@" + domain) ? this::offered : null;
  }

  /** A call to a room: it joins the room, which opens on its first call. */
  void offered(SipLeg leg) {
    RoomSpec spec = rooms.get(leg.number() + "@" + leg.domain());
    if (spec == null) {
      leg.reject(StatusCode.NOT_FOUND, "Not Found");
      return;
    }
    Room room;
    synchronized (active) {
      room = active.get(spec.id());
      if (room == null) {
        if (active.size() >= settings.maxRooms()) {
          refused("max_rooms");
          leg.reject(
              StatusCode.BUSY_HERE,
              "Busy Here (conference.max-rooms: " + settings.maxRooms() + " rooms in use)");
          return;
        }
        room = new Room(spec, relay.loop(), this);
        active.put(spec.id(), room);
      }
    }
    Room r = room;
    r.loop.execute(() -> r.arrive(leg, relay));
  }

  /** A room's last party left. */
  void closed(Room room) {
    synchronized (active) {
      active.remove(room.spec.id(), room);
    }
  }

  ConferenceView view(
      RoomSpec spec, List<ParticipantView> list, long frames, long lateFramesOfRoom) {
    return new ConferenceView(
        spec.id(),
        spec.domain(),
        spec.number(),
        spec.pin() != null,
        List.copyOf(list),
        frames,
        lateFramesOfRoom);
  }

  /** Every configured room, those with people in them first as they are now. */
  public List<ConferenceView> list(@Nullable String domain) {
    List<ConferenceView> out = new ArrayList<>();
    for (RoomSpec spec : rooms.values()) {
      if (domain == null || spec.domain().equals(domain.toLowerCase(Locale.ROOT))) {
        out.add(show(spec.id()));
      }
    }
    return out;
  }

  /**
   * One room as it is now.
   *
   * @throws NotFoundException when no room of that name is configured
   */
  public ConferenceView show(String id) {
    RoomSpec spec = spec(id);
    Room room = active.get(spec.id());
    return room == null ? view(spec, List.of(), 0, 0) : room.loop.call(room::view);
  }

  /**
   * Mutes (the others stop hearing it) or unmutes a party of a room.
   *
   * @throws NotFoundException when there is no such room or party
   */
  public ConferenceView mute(String id, String participant, boolean muted) {
    Room room = room(id);
    if (!room.loop.call(() -> room.mute(participant, muted))) {
      throw noParty(id, participant);
    }
    return room.loop.call(room::view);
  }

  /**
   * Hangs a party up (evertone sends its BYE).
   *
   * @throws NotFoundException when there is no such room or party
   */
  public void kick(String id, String participant) {
    Room room = room(id);
    if (!room.loop.call(() -> room.kick(participant))) {
      throw noParty(id, participant);
    }
  }

  /** Hangs up the parties whose phones sent no packet for the media timeout (vanished). */
  public void hangUpSilent() {
    long timeout = settings.mediaTimeout().toNanos();
    if (timeout <= 0) {
      return;
    }
    for (Room room : active.values()) {
      room.loop.execute(() -> room.hangUpSilent(timeout));
    }
  }

  /** Parties in rooms now. */
  public int participants() {
    return participants.get();
  }

  private RoomSpec spec(String id) {
    RoomSpec spec = rooms.get(normalized(id));
    if (spec == null) {
      throw new NotFoundException(
          "no conference room " + id + "; the rooms are " + String.join(", ", rooms.keySet()));
    }
    return spec;
  }

  /** {@code NUMBER@DOMAIN} with the domain in lower case, as rooms are named. */
  private static String normalized(String id) {
    int at = id.lastIndexOf('@');
    return at < 0 ? id : id.substring(0, at) + "@" + id.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  private Room room(String id) {
    RoomSpec spec = spec(id);
    Room room = active.get(spec.id());
    if (room == null) {
      throw new NotFoundException("nobody is in conference room " + spec.id());
    }
    return room;
  }

  private static NotFoundException noParty(String room, String participant) {
    return new NotFoundException(
        "no participant " + participant + " in conference room " + room + " (see its list)");
  }

  /** Hangs everyone up and stops the relay. */
  @Override
  public void close() {
    for (Room room : active.values()) {
      try {
        var unused =
            room.loop.call(
                () -> {
                  room.hangUpAll(); // the BYEs leave before the SIP stack closes
                  return Boolean.TRUE;
                });
      } catch (IllegalStateException e) {
        log.warn("room {} not hung up: {}", room.spec.id(), e.getMessage());
      }
    }
    relay.close();
  }
}
