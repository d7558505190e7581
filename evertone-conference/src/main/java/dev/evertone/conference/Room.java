package dev.evertone.conference;

import dev.evertone.media.EndpointLeg;
import dev.evertone.media.MediaException;
import dev.evertone.media.MediaLoop;
import dev.evertone.media.MediaRelay;
import dev.evertone.media.Mixer;
import dev.evertone.proxy.LegListener;
import dev.evertone.proxy.SipLeg;
import dev.evertone.sip.message.StatusCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One room with people in it: its parties and its mixer, all on one media loop. Every change runs
 * on that loop ({@link MediaLoop#execute}), SIP events and admin commands alike, so the room needs
 * no lock and its mixer reads each party's audio on the thread that received it.
 */
final class Room {
  private static final Logger log = LoggerFactory.getLogger(Room.class);

  /** What a party hears next when a clip ends. */
  private enum Then {
    NOTHING,
    PIN,
    ALONE_OR_MIX,
    MUSIC,
    HANG_UP
  }

  /** Where a party is. */
  enum Stage {
    PIN,
    JOINED,
    LEAVING
  }

  final RoomSpec spec;
  final MediaLoop loop;
  final Mixer mixer;
  private final Conferences owner;
  // on the loop only
  private final Map<String, Party> parties = new LinkedHashMap<>();
  private int nextId = 1;
  private boolean closed;

  final class Party implements LegListener {
    final String id;
    final SipLeg leg;
    final EndpointLeg media;
    final Instant arrived = Instant.now();
    Stage stage;
    boolean muted;
    int tries;
    final StringBuilder digits = new StringBuilder();
    Then then = Then.NOTHING;
    // alone in the room: the alone prompt or music plays
    boolean waiting;

    Party(String id, SipLeg leg, EndpointLeg media) {
      this.id = id;
      this.leg = leg;
      this.media = media;
      this.stage = spec.pin() == null ? Stage.JOINED : Stage.PIN;
    }

    @Override
    public void dtmf(SipLeg l, char digit) {
      loop.execute(() -> pressed(this, digit));
    }

    @Override
    public void playEnded(SipLeg l) {
      loop.execute(() -> played(this));
    }

    @Override
    public void hungUp(SipLeg l, boolean byParty) {
      loop.execute(() -> left(this));
    }
  }

  Room(RoomSpec spec, MediaLoop loop, Conferences owner) {
    this.spec = spec;
    this.loop = loop;
    this.owner = owner;
    this.mixer = new Mixer(loop, owner.lateFrames());
  }

  /** On the loop: a call to the room arrived. */
  void arrive(SipLeg leg, MediaRelay relay) {
    if (closed) {
      owner.offered(leg); // the room closed meanwhile: a new one opens for this call
      return;
    }
    if (parties.size() >= owner.settings().maxParticipants()) {
      owner.refused("full");
      leg.reject(
          StatusCode.BUSY_HERE,
          "Busy Here (room full: conference.max-participants is "
              + owner.settings().maxParticipants()
              + ")");
      closeIfEmpty();
      return;
    }
    EndpointLeg media;
    try {
      media = relay.openEndpoint(leg.callId(), loop);
    } catch (MediaException e) {
      owner.refused("no_media");
      log.warn("call {} to room {}: {}", leg.callId(), spec.id(), e.getMessage());
      leg.reject(StatusCode.SERVICE_UNAVAILABLE, "Service Unavailable (no media port)");
      closeIfEmpty();
      return;
    }
    media.jitterDelay(owner.settings().jitterFrames());
    Party p = new Party(Integer.toString(nextId++), leg, media);
    parties.put(p.id, p);
    owner.participants(+1);
    if (!leg.answer(media, p)) {
      parties.remove(p.id);
      owner.participants(-1);
      closeIfEmpty();
      return;
    }
    log.info("{} called room {} (party {})", leg.caller(), spec.id(), p.id);
    if (p.stage == Stage.PIN) {
      play(p, owner.prompts().pin(), Then.NOTHING);
    } else {
      join(p);
    }
  }

  private void pressed(Party p, char digit) {
    String pin = spec.pin();
    if (p.stage != Stage.PIN || pin == null) {
      return; // keys in the room are not the room's business
    }
    if (digit != '#') {
      p.digits.append(digit);
    }
    if (digit != '#' && p.digits.length() < pin.length()) {
      return;
    }
    boolean right = p.digits.toString().equals(pin);
    p.digits.setLength(0);
    if (right) {
      owner.joined("pin");
      p.stage = Stage.JOINED;
      join(p);
      return;
    }
    p.tries++;
    owner.refused("wrong_pin");
    log.info(
        "room {}: party {} ({}) keyed a wrong PIN ({} of {})",
        spec.id(),
        p.id,
        p.leg.caller(),
        p.tries,
        owner.settings().pinTries());
    if (p.tries >= owner.settings().pinTries()) {
      p.stage = Stage.LEAVING;
      play(p, owner.prompts().goodbye(), Then.HANG_UP);
    } else {
      play(p, owner.prompts().pinWrong(), Then.PIN);
    }
  }

  /** The party is in: it hears "joined", then the others (or, alone, music). */
  private void join(Party p) {
    mixer.add(p.media);
    mixer.mute(p.media, p.muted);
    if (spec.pin() == null) {
      owner.joined("open");
    }
    play(p, owner.prompts().joined(), Then.ALONE_OR_MIX);
    // whoever waited alone (the alone prompt, music) hears the room now
    for (Party other : parties.values()) {
      if (other != p && other.waiting) {
        other.waiting = false;
        other.then = Then.NOTHING;
        other.leg.stopPlaying();
      }
    }
  }

  private void played(Party p) {
    Then next = p.then;
    p.then = Then.NOTHING;
    switch (next) {
      case PIN -> play(p, owner.prompts().pin(), Then.NOTHING);
      case ALONE_OR_MIX -> {
        if (joined() == 1) {
          p.waiting = true;
          play(p, owner.prompts().alone(), Then.MUSIC);
        }
      }
      case MUSIC -> {
        if (p.waiting) {
          p.then = Then.NOTHING; // music repeats until someone joins (stopped, never ended)
          p.leg.play(owner.prompts().music(), true);
        }
      }
      case HANG_UP -> p.leg.hangUp();
      case NOTHING -> {}
    }
  }

  private void play(Party p, dev.evertone.media.audio.AudioClip clip, Then then) {
    p.then = then;
    p.leg.play(clip, false);
  }

  /** On the loop: a party's leg ended (it hung up, was kicked, or refused). */
  private void left(Party p) {
    if (parties.remove(p.id) == null) {
      return;
    }
    owner.participants(-1);
    mixer.remove(p.media);
    log.info("{} left room {} (party {})", p.leg.caller(), spec.id(), p.id);
    if (p.stage == Stage.JOINED && joined() == 1) {
      for (Party last : parties.values()) {
        if (last.stage == Stage.JOINED && last.then == Then.NOTHING) {
          last.waiting = true;
          play(last, owner.prompts().alone(), Then.MUSIC);
        }
      }
    }
    closeIfEmpty();
  }

  private int joined() {
    int n = 0;
    for (Party p : parties.values()) {
      if (p.stage == Stage.JOINED) {
        n++;
      }
    }
    return n;
  }

  private void closeIfEmpty() {
    if (parties.isEmpty() && !closed) {
      closed = true;
      mixer.close();
      owner.closed(this);
    }
  }

  /** On the loop: mutes or unmutes a party; false when there is no such party. */
  boolean mute(String id, boolean muted) {
    Party p = parties.get(id);
    if (p == null) {
      return false;
    }
    p.muted = muted;
    mixer.mute(p.media, muted);
    return true;
  }

  /** On the loop: hangs a party up; false when there is no such party. */
  boolean kick(String id) {
    Party p = parties.get(id);
    if (p == null) {
      return false;
    }
    log.info("room {}: party {} ({}) removed by an administrator", spec.id(), id, p.leg.caller());
    p.stage = Stage.LEAVING;
    p.leg.hangUp();
    return true;
  }

  /** On the loop: parties whose phone sent nothing for {@code timeoutNanos} are hung up. */
  void hangUpSilent(long timeoutNanos) {
    long now = System.nanoTime();
    for (Party p : new ArrayList<>(parties.values())) {
      if (now - p.media.lastPacketNanos() > timeoutNanos) {
        log.info("room {}: no media from party {} ({}); hung up", spec.id(), p.id, p.leg.caller());
        p.leg.hangUp();
      }
    }
  }

  /** On the loop: everyone is hung up (shutdown). */
  void hangUpAll() {
    for (Party p : new ArrayList<>(parties.values())) {
      p.leg.hangUp();
    }
  }

  /** On the loop: what the API shows. */
  ConferenceView view() {
    List<ParticipantView> list = new ArrayList<>();
    for (Party p : parties.values()) {
      var stats = p.media.isOpen() ? p.media.stats() : null;
      list.add(
          new ParticipantView(
              p.id,
              p.leg.caller(),
              p.leg.callId(),
              p.stage.name().toLowerCase(java.util.Locale.ROOT),
              p.muted,
              p.arrived,
              stats == null ? 0 : stats.packetsReceived(),
              stats == null ? 0 : stats.concealed()));
    }
    return owner.view(spec, list, mixer.frames(), mixer.lateFrames());
  }

  @Nullable Party party(String id) {
    return parties.get(id);
  }
}
