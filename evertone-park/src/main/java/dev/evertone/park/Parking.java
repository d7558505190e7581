package dev.evertone.park;

import dev.evertone.media.MediaRelay;
import dev.evertone.media.audio.AudioClip;
import dev.evertone.proxy.LocalNumbers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The park lots of {@code park.lots}: the extensions and slot numbers evertone answers itself
 * ({@link LocalNumbers}), the calls parked in them, and what the admin API and the CLI show (the
 * occupied slots). Each lot lives on one media loop of the relay.
 *
 * <p>A call that waited its lot's timeout hears goodbye and is hung up: returning it to its parker
 * needs evertone to place a call of its own (a UAC leg), which it cannot yet.
 */
public final class Parking implements LocalNumbers, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Parking.class);

  private final ParkSettings settings;
  private final MediaRelay relay;
  private final Prompts prompts;
  private final AudioClip music;
  private final MeterRegistry meters;
  private final List<Lot> lots = new ArrayList<>();
  // NUMBER@DOMAIN of every extension and slot: the lot that answers it
  private final Map<String, Lot> numbers = new HashMap<>();
  private final AtomicInteger parked = new AtomicInteger();

  private Parking(
      ParkSettings settings,
      MediaRelay relay,
      Prompts prompts,
      @Nullable AudioClip music,
      MeterRegistry meters) {
    this.settings = settings;
    this.relay = relay;
    this.prompts = prompts;
    this.music = music == null ? prompts.music() : music;
    this.meters = meters;
    for (LotSpec spec : settings.lots()) {
      Lot lot = new Lot(spec, relay.loop(), this);
      lots.add(lot);
      numbers.put(spec.id(), lot);
      for (int n = spec.firstSlot(); n <= spec.lastSlot(); n++) {
        numbers.put(n + "@" + spec.domain(), lot);
      }
    }
    Gauge.builder("evertone.park.parked", parked, AtomicInteger::get)
        .description("Calls waiting in park slots")
        .register(meters);
  }

  /**
   * The lots of {@code settings}, on {@code relay}'s loops, with the built-in prompts.
   *
   * @param music what a parked call hears ({@code media.music-on-hold}), or null for the built-in
   *     music
   * @throws IOException when a built-in prompt cannot be read (a broken jar)
   */
  public static Parking start(
      ParkSettings settings, MediaRelay relay, @Nullable AudioClip music, MeterRegistry meters)
      throws IOException {
    Parking p = new Parking(settings, relay, Prompts.builtIn(), music, meters);
    log.info(
        "park lots: {}",
        settings.lots().stream()
            .map(l -> l.id() + " slots " + l.firstSlot() + "-" + l.lastSlot())
            .toList());
    return p;
  }

  ParkSettings settings() {
    return settings;
  }

  Prompts prompts() {
    return prompts;
  }

  AudioClip music() {
    return music;
  }

  void parked(int change) {
    parked.addAndGet(change);
  }

  void outcome(String what) {
    Counter.builder("evertone.park.calls")
        .description(
            "Calls to park lots by outcome (parked then: grabbed, timeout, hung_up; full,"
                + " empty_slot, no_media)")
        .tag("outcome", what)
        .register(meters)
        .increment();
  }

  @Override
  public @Nullable LocalService find(String domain, String user) {
    Lot lot = numbers.get(user + "@" + domain);
    if (lot == null) {
      return null;
    }
    if (lot.spec.extension().equals(user)) {
      return leg -> lot.loop.execute(() -> lot.park(leg, relay));
    }
    int slot = Integer.parseInt(user);
    return leg -> lot.loop.execute(() -> lot.grab(leg, slot, relay));
  }

  /** Calls waiting in slots now. */
  public int parked() {
    return parked.get();
  }

  /** The occupied slots of every lot, or of {@code domain}'s lots, in slot order. */
  public List<ParkedView> list(@Nullable String domain) {
    List<ParkedView> out = new ArrayList<>();
    for (Lot lot : lots) {
      if (domain == null || lot.spec.domain().equals(domain.toLowerCase(Locale.ROOT))) {
        out.addAll(lot.loop.call(lot::view));
      }
    }
    return out;
  }

  /**
   * Gives up the calls parked longer than their lot's timeout, and hangs up the parties whose
   * phones sent no packet for the media timeout (vanished). Called every second.
   */
  public void expire() {
    long mediaTimeout = settings.mediaTimeout().toNanos();
    for (Lot lot : lots) {
      lot.loop.execute(() -> lot.expire(mediaTimeout));
    }
  }

  /** Hangs everyone up and stops the relay. */
  @Override
  public void close() {
    for (Lot lot : lots) {
      try {
        var unused =
            lot.loop.call(
                () -> {
                  lot.hangUpAll(); // the BYEs leave before the SIP stack closes
                  return Boolean.TRUE;
                });
      } catch (IllegalStateException e) {
        log.warn("park lot {} not hung up: {}", lot.spec.id(), e.getMessage());
      }
    }
    relay.close();
  }
}
