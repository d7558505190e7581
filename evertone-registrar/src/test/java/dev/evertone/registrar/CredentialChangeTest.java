package dev.evertone.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What devices see when their credential changes: the cache follows at once; a grace window may
 * keep the old secret working.
 */
class CredentialChangeTest {
  @TempDir Path dir;
  private @Nullable RegistrarHarness harness;
  private final ListAppender<ILoggingEvent> authLog = new ListAppender<>();

  private void start(long graceMillis) throws Exception {
    harness = new RegistrarHarness(dir, RegistrarConfig.DEFAULT, graceMillis);
    harness.addDevice("1001", "old-secret");
    authLog.start();
    ((Logger) LoggerFactory.getLogger(DigestGate.class)).addAppender(authLog);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(DigestGate.class)).detachAppender(authLog);
    if (harness != null) {
      harness.close();
    }
  }

  /** The harness each test starts with its grace window. */
  private RegistrarHarness h() {
    return Objects.requireNonNull(harness, "start(graceMillis) first");
  }

  private int register(String password) throws Exception {
    try (TestPhone p = TestPhone.udp(h().udp(), "1001", "example.com", password)) {
      return p.register(3600).status();
    }
  }

  private double previousSecretUses() {
    return h().meters.get("evertone.registrar.previous.secret").counter().count();
  }

  @Test
  void withoutAGraceWindowTheOldSecretStopsWorkingAtOnce() throws Exception {
    start(0);
    assertThat(register("old-secret")).isEqualTo(200);
    h().setSecret("1001", "new-secret");
    h().watcher.run();
    assertThat(register("old-secret")).isEqualTo(403);
    assertThat(register("new-secret")).isEqualTo(200);
    assertThat(previousSecretUses()).isZero();
  }

  @Test
  void duringTheGraceWindowBothSecretsWorkAndTheOldOneIsLogged() throws Exception {
    start(TimeUnit.MINUTES.toMillis(10));
    assertThat(register("old-secret")).isEqualTo(200);
    h().setSecret("1001", "new-secret");
    h().watcher.run();
    assertThat(register("new-secret")).isEqualTo(200);
    assertThat(previousSecretUses()).isZero();
    assertThat(register("old-secret")).isEqualTo(200);
    assertThat(previousSecretUses()).isEqualTo(1);
    assertThat(authLog.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(
            m ->
                m.startsWith("1001@example.com from udp:127.0.0.1:")
                    && m.contains("authenticated with its previous secret")
                    && m.contains("re-provision the device"));
    assertThat(register("wrong")).isEqualTo(403);
    h().clock.advanceSeconds(TimeUnit.MINUTES.toSeconds(10) + 1);
    assertThat(register("old-secret")).isEqualTo(403);
    assertThat(register("new-secret")).isEqualTo(200);
  }

  @Test
  void aChangeThroughThisProcessReachesTheCacheWithoutWaitingForAPoll() throws Exception {
    start(0);
    ChangeWatcher watcher =
        new ChangeWatcher(h().store.changes())
            .listen(h().cache::changed)
            .start(TimeUnit.HOURS.toMillis(1));
    try {
      assertThat(register("old-secret")).isEqualTo(200);
      h().setSecret("1001", "new-secret");
      long deadline = System.currentTimeMillis() + 5000;
      int status;
      do {
        status = register("new-secret");
      } while (status != 200 && System.currentTimeMillis() < deadline);
      assertThat(status).as("the new secret works long before the one-hour poll").isEqualTo(200);
      assertThat(register("old-secret")).isEqualTo(403);
    } finally {
      watcher.close();
    }
  }
}
