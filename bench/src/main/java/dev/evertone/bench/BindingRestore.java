package dev.evertone.bench;

import dev.evertone.registrar.Binding;
import dev.evertone.registrar.BindingJournal;
import dev.evertone.registrar.LocationService;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.jdbc.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What a restart with N registered devices costs: N desk-phone bindings are written behind to the
 * store (as BindingJournal does while serving), then a fresh location service reads them back (as a
 * restarted server does before it opens its sockets). Reports both times. A fresh SQLite store in a
 * temporary directory, or a fresh database on an embedded PostgreSQL (Maven Central's binaries).
 *
 * <p>usage: java -Xmx4g -cp evertone-bench.jar dev.evertone.bench.BindingRestore [N]
 * [sqlite|postgresql]
 */
public final class BindingRestore {
  private BindingRestore() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    boolean postgres = args.length > 1 && args[1].equals("postgresql");
    Path dir = Files.createTempDirectory("evertone-restore");
    Clock clock = Clock.systemUTC();
    EmbeddedPostgres pg = postgres ? ProvisioningBenchmark.embeddedPostgres() : null;
    try (JdbcStore store =
        JdbcStore.open(
            new StoreConfig(pg == null ? null : ProvisioningBenchmark.fresh(pg), dir, null, 4),
            clock)) {
      LocationService before = new LocationService(clock, 7200, new SimpleMeterRegistry());
      BindingJournal journal =
          new BindingJournal(before, store.bindings(), clock, new SimpleMeterRegistry());
      long now = clock.millis();
      for (int i = 0; i < n; i++) {
        Binding b = BindingMemory.deskPhone(i, now);
        before.update(BindingMemory.aor(i), live -> new ArrayList<>(List.of(b)));
      }
      long t0 = System.nanoTime();
      int written = journal.flush();
      long t1 = System.nanoTime();
      LocationService after = new LocationService(clock, 7200, new SimpleMeterRegistry());
      int restored =
          new BindingJournal(after, store.bindings(), clock, new SimpleMeterRegistry()).restore();
      long t2 = System.nanoTime();
      System.out.printf(
          "%s: wrote %,d addresses-of-record in %.2f s; a restart read %,d bindings back in %.2f s%n",
          store.describe(), written, (t1 - t0) / 1e9, restored, (t2 - t1) / 1e9);
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
  }
}
