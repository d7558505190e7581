package dev.evertone.provisioning;

import dev.evertone.store.Actor;
import dev.evertone.store.NotFoundException;
import dev.evertone.store.Store;
import dev.evertone.store.Values;
import dev.evertone.store.provisioning.ChangeSet;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every provisioning service shares: the store, the settings and the clock, the actor on whose
 * behalf each change set is applied with its audit events, and the listener of long operations'
 * steps. One per actor; the services hold it, none of them copies it.
 */
record ProvisioningContext(
    Store store, ProvisioningConfig config, Clock clock, Actor actor, Progress progress) {
  private static final DateTimeFormatter BATCH_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The same context on behalf of another actor. */
  ProvisioningContext as(Actor other) {
    return new ProvisioningContext(store, config, clock, other, progress);
  }

  /** The same context, reporting the steps of long operations to {@code listener}. */
  ProvisioningContext withProgress(Progress listener) {
    return new ProvisioningContext(store, config, clock, actor, listener);
  }

  /**
   * Applies {@code changes} (with their audit events) on behalf of the actor, in one transaction.
   */
  void apply(ChangeSet.Builder changes) {
    store.provisioning().apply(changes.build(), actor);
  }

  /**
   * Runs {@code step}, then reports it as {@code what} (computed from its result) with the time it
   * took.
   */
  <T> T step(Supplier<T> step, Function<T, String> what) {
    long start = System.nanoTime();
    T result = step.get();
    progress.step(
        what.apply(result)
            + String.format(Locale.ROOT, " (%.2f s)", (System.nanoTime() - start) / 1e9));
    return result;
  }

  /** The checked name of a domain that exists; {@link NotFoundException} for one that does not. */
  String existingDomain(String name) {
    String domain = Values.domain(name);
    if (store.domains().find(domain).isEmpty()) {
      throw new NotFoundException(
          "domain "
              + domain
              + " does not exist; add it first with 'evertone domain add "
              + domain
              + "'");
    }
    return domain;
  }

  /** What is stored now in {@code domain} (a checked name). */
  DomainSnapshot snapshot(String domain) {
    return DomainSnapshot.of(domain, store.provisioning().load(Set.of(domain)));
  }

  /** A batch id people can read and type: kind, UTC time, and random hex. */
  String batchId(String kind) {
    byte[] r = new byte[3];
    RANDOM.nextBytes(r);
    return kind + "-" + BATCH_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(r);
  }

  /** {@code n} things for a message: "1 device", "3 devices". */
  static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
