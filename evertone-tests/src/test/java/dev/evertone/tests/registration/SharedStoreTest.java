package dev.evertone.tests.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.store.testing.TestDatabases;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.UdpClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credential changes reach every node's cache at once: two servers on one PostgreSQL, a grace
 * window from the configuration.
 */
class SharedStoreTest {
  @TempDir Path dir;

  /** Registers until {@code status} comes back or 10 s pass; returns the last status. */
  private static int registerUntil(UdpClient phone, String user, String password, int status)
      throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    int last;
    do {
      last = DigestRegister.register(phone, user, "example.com", password);
      if (last != status) {
        Thread.sleep(50);
      }
    } while (last != status && System.currentTimeMillis() < deadline);
    return last;
  }

  /**
   * How node {@code fx} answered REGISTERs, by outcome: tells a blocked source from a stale cache
   * when the test fails.
   */
  private static String outcomes(ServerFixture fx) {
    return fx.server.meters().find("evertone.registrar.requests").counters().stream()
        .map(c -> c.getId().getTag("outcome") + "=" + (long) c.count())
        .sorted()
        .toList()
        .toString();
  }

  @Test
  @DisplayName(
      "a secret changed through node A is in force on node B at once, without waiting for B's hourly poll")
  void twoNodesOnOnePostgresql() throws Exception {
    String url = TestDatabases.freshPostgresUrl();
    // every node of a cluster holds the same key file: it encrypts the secrets they share
    // until B hears of the change, the new secret is a wrong password: the guessing limit must not
    // block the test's phone
    String[] overrides = {
      "store.url=" + url,
      "store.secret-key-file=" + dir.resolve("cluster.key"),
      "store.change-poll-interval=1h",
      "auth.failures-per-source.limit=100000",
      "auth.failures-per-account.limit=100000"
    };
    try (ServerFixture a = new ServerFixture(dir.resolve("a"), overrides);
        ServerFixture b = new ServerFixture(dir.resolve("b"), overrides);
        UdpClient phone = new UdpClient(b.udp())) {
      a.provisioning().addDomain("example.com");
      a.provisioning()
          .addDevice(
              new NewDevice(
                  "example.com",
                  null,
                  null,
                  null,
                  null,
                  null,
                  List.of(new NewLine(null, "1001", "first"))));
      assertThat(registerUntil(phone, "1001", "first", 200)).isEqualTo(200);
      a.provisioning().setSecret("example.com", "1001", "second");
      long start = System.currentTimeMillis();
      assertThat(registerUntil(phone, "1001", "second", 200))
          .as("node B's answers so far: %s", outcomes(b))
          .isEqualTo(200);
      assertThat(System.currentTimeMillis() - start)
          .as("well before the hourly poll")
          .isLessThan(10_000);
      assertThat(DigestRegister.register(phone, "1001", "example.com", "first")).isEqualTo(403);
    }
  }

  @Test
  @DisplayName(
      "with auth.previous-secret-grace set, a device holding the previous secret keeps registering, and the log says so")
  void graceWindowFromTheConfiguration() throws Exception {
    try (ServerFixture fx = new ServerFixture(dir, "auth.previous-secret-grace=10m");
        UdpClient phone = new UdpClient(fx.udp())) {
      fx.provisioning().addDomain("example.com");
      fx.provisioning()
          .addDevice(
              new NewDevice(
                  "example.com",
                  null,
                  null,
                  null,
                  null,
                  null,
                  List.of(new NewLine(null, "1001", "first"))));
      assertThat(DigestRegister.register(phone, "1001", "example.com", "first")).isEqualTo(200);
      fx.provisioning().setSecret("example.com", "1001", "second");
      assertThat(registerUntil(phone, "1001", "second", 200)).isEqualTo(200);
      assertThat(DigestRegister.register(phone, "1001", "example.com", "first")).isEqualTo(200);
      assertThat(fx.server.meters().get("evertone.registrar.previous.secret").counter().count())
          .isEqualTo(1);
      assertThat(DigestRegister.register(phone, "1001", "example.com", "third")).isEqualTo(403);
    }
  }
}
