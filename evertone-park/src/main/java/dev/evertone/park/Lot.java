package dev.evertone.park;

import dev.evertone.media.EndpointLeg;
import dev.evertone.media.MediaException;
import dev.evertone.media.MediaLoop;
import dev.evertone.media.MediaRelay;
import dev.evertone.media.Mixer;
import dev.evertone.media.audio.AudioClip;
import dev.evertone.proxy.LegListener;
import dev.evertone.proxy.SipLeg;
import dev.evertone.sip.message.StatusCode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One park lot: its slots, the calls parked in them and the calls that grabbed them, all on one
 * media loop. Every change runs on that loop ({@link MediaLoop#execute}), SIP events and the
 * timeout alike, so a lot needs no lock, and a grabbed call's two endpoints share the loop their
 * bridge ({@link Mixer} of two: each hears the other) ticks on.
 */
final class Lot {
  private static final Logger log = LoggerFactory.getLogger(Lot.class);

  final LotSpec spec;
  final MediaLoop loop;
  private final Parking owner;
  // on the loop only: the call waiting in each slot, index = slot - first slot
  private final @Nullable Parked[] slots;
  // on the loop only: parked calls that were grabbed and are still bridged
  private final List<Bridge> bridges = new ArrayList<>();

  /** A call in a slot. */
  final class Parked implements LegListener {
    final int slot;
    final SipLeg leg;
    final EndpointLeg media;
    final String parker;
    final Instant since = Instant.now();
    final long sinceNanos = System.nanoTime();
    // what it hears next when a clip ends; music (repeated) after the last
    final ArrayDeque<AudioClip> queue = new ArrayDeque<>();
    boolean waiting = true;
    boolean leaving;

    Parked(int slot, SipLeg leg, EndpointLeg media, String parker) {
      this.slot = slot;
      this.leg = leg;
      this.media = media;
      this.parker = parker;
    }

    @Override
    public void playEnded(SipLeg l) {
      loop.execute(() -> nextClip(this));
    }

    @Override
    public void hungUp(SipLeg l, boolean byParty) {
      loop.execute(() -> parkedLeft(this));
    }
  }

  /** A call to a slot: it hears the slot empty, or is bridged with the call parked there. */
  final class Grabber implements LegListener {
    final SipLeg leg;
    final EndpointLeg media;
    @Nullable Bridge bridge;

    Grabber(SipLeg leg, EndpointLeg media) {
      this.leg = leg;
      this.media = media;
    }

    @Override
    public void playEnded(SipLeg l) {
      loop.execute(
          () -> {
            if (bridge == null) {
              leg.hangUp(); // the slot was empty: its prompt is over
            }
          });
    }

    @Override
    public void hungUp(SipLeg l, boolean byParty) {
      loop.execute(() -> grabberLeft(this));
    }
  }

  /** A parked call and the call that grabbed it, hearing each other. */
  final class Bridge {
    final Parked parked;
    final Grabber grabber;
    final Mixer mixer = new Mixer(loop, null);
    boolean closed;

    Bridge(Parked parked, Grabber grabber) {
      this.parked = parked;
      this.grabber = grabber;
    }

    /** One side left: the bridge closes and evertone hangs up the other side. */
    void close() {
      if (closed) {
        return;
      }
      closed = true;
      mixer.close();
      bridges.remove(this);
      parked.leg.hangUp();
      grabber.leg.hangUp();
    }
  }

  Lot(LotSpec spec, MediaLoop loop, Parking owner) {
    this.spec = spec;
    this.loop = loop;
    this.owner = owner;
    this.slots = new Parked[spec.size()];
  }

  /** On the loop: a call to the park extension. */
  void park(SipLeg leg, MediaRelay relay) {
    int free = -1;
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] == null) {
        free = i;
        break;
      }
    }
    if (free < 0) {
      owner.outcome("full");
      leg.reject(
          StatusCode.BUSY_HERE,
          "Busy Here (park lot "
              + spec.id()
              + " full: slots "
              + spec.firstSlot()
              + "-"
              + spec.lastSlot()
              + " taken)");
      return;
    }
    EndpointLeg media = open(leg, relay);
    if (media == null) {
      return;
    }
    String referrer = leg.referredBy();
    String parker = referrer != null ? referrer : leg.caller();
    int slot = spec.firstSlot() + free;
    Parked p = new Parked(slot, leg, media, parker);
    slots[free] = p;
    owner.parked(+1);
    if (!leg.answer(media, p)) {
      slots[free] = null;
      owner.parked(-1);
      return;
    }
    log.info("{} parked in slot {} of lot {} by {}", leg.caller(), slot, spec.id(), parker);
    // "Your call is parked. Please hold.", the slot's digits, then music until grabbed
    for (char c : Integer.toString(slot).toCharArray()) {
      p.queue.add(owner.prompts().digit(c));
    }
    leg.play(owner.prompts().parked(), false);
  }

  private void nextClip(Parked p) {
    if (p.leaving) {
      p.leg.hangUp(); // goodbye (timed out) is over
      return;
    }
    if (!p.waiting) {
      return;
    }
    AudioClip next = p.queue.poll();
    if (next != null) {
      p.leg.play(next, false);
    } else {
      p.leg.play(owner.music(), true); // repeats until grabbed (stopped, never ended)
    }
  }

  /** On the loop: a call to a slot of the lot. */
  void grab(SipLeg leg, int slot, MediaRelay relay) {
    EndpointLeg media = open(leg, relay);
    if (media == null) {
      return;
    }
    Grabber g = new Grabber(leg, media);
    if (!leg.answer(media, g)) {
      return;
    }
    int index = slot - spec.firstSlot();
    Parked p = slots[index];
    if (p == null || p.leaving) {
      owner.outcome("empty_slot");
      log.info("{} dialled slot {} of lot {}: empty", leg.caller(), slot, spec.id());
      leg.play(owner.prompts().empty(), false);
      return;
    }
    slots[index] = null;
    owner.parked(-1);
    owner.outcome("grabbed");
    p.waiting = false;
    p.queue.clear();
    p.leg.stopPlaying();
    Bridge b = new Bridge(p, g);
    g.bridge = b;
    bridges.add(b);
    b.mixer.add(p.media);
    b.mixer.add(media);
    log.info(
        "{} grabbed {} from slot {} of lot {} (parked by {})",
        leg.caller(),
        p.leg.caller(),
        slot,
        spec.id(),
        p.parker);
  }

  private @Nullable EndpointLeg open(SipLeg leg, MediaRelay relay) {
    EndpointLeg media;
    try {
      media = relay.openEndpoint(leg.callId(), loop);
    } catch (MediaException e) {
      owner.outcome("no_media");
      log.warn("call {} to park lot {}: {}", leg.callId(), spec.id(), e.getMessage());
      leg.reject(StatusCode.SERVICE_UNAVAILABLE, "Service Unavailable (no media port)");
      return null;
    }
    media.jitterDelay(owner.settings().jitterFrames());
    return media;
  }

  private void parkedLeft(Parked p) {
    int index = p.slot - spec.firstSlot();
    if (slots[index] == p) {
      slots[index] = null;
      owner.parked(-1);
      if (!p.leaving) {
        owner.outcome("hung_up");
        log.info("{} hung up while parked in slot {} of lot {}", p.leg.caller(), p.slot, spec.id());
      }
    }
    for (Bridge b : new ArrayList<>(bridges)) {
      if (b.parked == p) {
        b.close();
      }
    }
  }

  private void grabberLeft(Grabber g) {
    Bridge b = g.bridge;
    if (b != null) {
      b.close();
    }
  }

  /**
   * On the loop: calls parked longer than the lot's timeout are given up (goodbye, then evertone's
   * BYE); parties whose phones sent nothing for {@code mediaTimeoutNanos} (when above zero) are
   * hung up.
   */
  void expire(long mediaTimeoutNanos) {
    long now = System.nanoTime();
    long timeout = spec.timeout().toNanos();
    for (int i = 0; i < slots.length; i++) {
      Parked p = slots[i];
      if (p == null || p.leaving) {
        continue;
      }
      if (now - p.sinceNanos > timeout) {
        // returning the call to its parker needs evertone to place calls (a UAC leg): not yet
        log.info(
            "{} parked in slot {} of lot {} for {}: nobody grabbed it; hung up (parker {})",
            p.leg.caller(),
            p.slot,
            spec.id(),
            spec.timeout(),
            p.parker);
        owner.outcome("timeout");
        p.leaving = true;
        p.queue.clear();
        p.leg.stopPlaying();
        p.leg.play(owner.prompts().goodbye(), false); // its end hangs the call up
      } else if (mediaTimeoutNanos > 0 && now - p.media.lastPacketNanos() > mediaTimeoutNanos) {
        log.info("no media from {} parked in slot {}; hung up", p.leg.caller(), p.slot);
        p.leg.hangUp();
      }
    }
    for (Bridge b : new ArrayList<>(bridges)) {
      if (mediaTimeoutNanos > 0
          && (now - b.parked.media.lastPacketNanos() > mediaTimeoutNanos
              || now - b.grabber.media.lastPacketNanos() > mediaTimeoutNanos)) {
        log.info("no media in the grabbed call of {}; hung up", b.parked.leg.caller());
        b.close();
      }
    }
  }

  /** On the loop: every call of the lot is hung up (shutdown). */
  void hangUpAll() {
    for (Parked p : slots) {
      if (p != null) {
        p.leaving = true;
        p.leg.hangUp();
      }
    }
    for (Bridge b : new ArrayList<>(bridges)) {
      b.close();
    }
  }

  /** On the loop: the occupied slots. */
  List<ParkedView> view() {
    List<ParkedView> out = new ArrayList<>();
    for (Parked p : slots) {
      if (p != null && !p.leaving) {
        out.add(
            new ParkedView(
                spec.id(),
                Integer.toString(p.slot),
                p.leg.caller(),
                p.leg.callId(),
                p.parker,
                p.since));
      }
    }
    return out;
  }
}
