package dev.evertone.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.Actor;
import dev.evertone.store.Change;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL: a change on one wakes the other's caches at once, not at its next
 * poll.
 */
class PostgresNotificationsTest {
  @TempDir Path dir;

  @Test
  void aChangeOnOneNodeWakesTheOther() throws Exception {
    String url = TestDatabases.freshPostgresUrl();
    try (JdbcStore a = JdbcStore.open(new StoreConfig(url, dir, null, 2), Clock.systemUTC());
        JdbcStore b = JdbcStore.open(new StoreConfig(url, dir, null, 2), Clock.systemUTC())) {
      // the listener wakes once when it connects (it may have missed something): let that pass
      Thread.sleep(1000);
      b.changes().awaitChange(10);
      long seen = b.changes().latest();
      long start = System.nanoTime();
      a.provisioning()
          .apply(ChangeSet.builder().addDomain("example.com").build(), Actor.local("test"));
      b.changes().awaitChange(30_000);
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(waitedMillis).as("woken by NOTIFY, not by the 30 s timeout").isLessThan(5_000);
      assertThat(b.changes().since(seen, 10))
          .extracting(Change::domain)
          .containsExactly("example.com");
    }
  }
}
