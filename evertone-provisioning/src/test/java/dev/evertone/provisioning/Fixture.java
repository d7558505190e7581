package dev.evertone.provisioning;

import dev.evertone.provisioning.template.Format;
import dev.evertone.store.Actor;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.provisioning.Line;
import dev.evertone.store.provisioning.LineKey;
import dev.evertone.store.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/** A store of one kind with the provisioning service on it, and a clock the test moves. */
final class Fixture implements AutoCloseable {
  static final Actor ADMIN = new Actor("token:admin", "192.0.2.1");

  final MovableClock clock = new MovableClock();
  final JdbcStore store;
  final ProvisioningService service;

  Fixture(TestDatabases.Kind kind, Path dir) {
    this(kind, dir, ProvisioningConfig.DEFAULT);
  }

  Fixture(TestDatabases.Kind kind, Path dir, ProvisioningConfig config) {
    store = JdbcStore.open(TestDatabases.fresh(kind, dir), clock);
    service = new ProvisioningService(store, config, clock, ADMIN);
  }

  PlanResult importCsv(String csv) {
    return importCsv(csv, false, false);
  }

  PlanResult importCsv(String csv, boolean dryRun, boolean confirmLarge) {
    clock.tick();
    return service.importFile(
        csv.getBytes(StandardCharsets.UTF_8),
        new ImportOptions(Format.CSV, "devices.csv", dryRun, confirmLarge, false));
  }

  String secret(String domain, String authUser) {
    return store.credentials().lookup(domain, authUser, false).orElseThrow().secret();
  }

  /** Every line of the store by key, as stored (revision, placement, fingerprint). */
  Map<LineKey, Line> lines() {
    Map<LineKey, Line> out = new TreeMap<>();
    store.provisioning().load(null).lines().forEach(l -> out.put(l.key(), l));
    return out;
  }

  String export(Format format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    service.export(format, null, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    store.close();
  }

  /** A clock that moves a second each time it is asked to, so that versions have distinct times. */
  static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-11-23T09:00:00Z");

    synchronized Instant tick() {
      now = now.plusSeconds(1);
      return now;
    }

    synchronized void advance(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public synchronized Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
