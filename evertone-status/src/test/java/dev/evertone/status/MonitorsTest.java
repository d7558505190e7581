package dev.evertone.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import dev.evertone.store.testing.TestClock;
import dev.evertone.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registration monitor's burn-rate rule, and incidents declared, moved to monitoring and
 * resolved by themselves.
 */
class MonitorsTest {
  @TempDir Path dir;
  final TestClock clock = new TestClock();
  // 99 % objective, burn rate 10: above 10 % failures in both the last 60 s and the last 600 s,
  // with at least 20 in 600 s
  final RegistrationMonitor.Settings settings =
      new RegistrationMonitor.Settings(
          0.99, 10, Duration.ofSeconds(60), Duration.ofSeconds(600), 20, Duration.ofHours(24));
  final RegistrationMonitor monitor =
      new RegistrationMonitor(settings, Set.of("a.example.com", "b.example.com")::contains);

  private void registrations(String domain, int ok, int failed) {
    for (int i = 0; i < ok; i++) {
      monitor.record(true, domain, clock.instant());
    }
    for (int i = 0; i < failed; i++) {
      monitor.record(false, domain, clock.instant());
    }
  }

  @Test
  void aGuessingRunPostsNoIncidentButPhonesThatRegisteredAndNowFailDo() {
    // someone guesses passwords of accounts that never registered: thousands of 403s
    for (int i = 0; i < 1000; i++) {
      monitor.refused("guess" + i + "@a.example.com", "a.example.com", clock.instant());
    }
    Monitor.Reading guessing = monitor.read(clock.instant());
    assertThat(guessing.failing()).isFalse();
    assertThat(guessing.summary()).startsWith("0 of 0 registrations failed");
    // forty phones registered; an hour later their password changed under them
    for (int i = 0; i < 40; i++) {
      monitor.registered("10" + i + "@a.example.com", "a.example.com", clock.instant());
    }
    clock.advanceSeconds(3600);
    for (int i = 0; i < 40; i++) {
      monitor.refused("10" + i + "@A.example.com", "a.example.com", clock.instant());
    }
    Monitor.Reading broken = monitor.read(clock.instant());
    assertThat(broken.failing()).isTrue();
    assertThat(broken.tenants()).containsExactly("a.example.com");
    // a day later the same failures are strangers' again
    clock.advanceSeconds(25 * 3600);
    for (int i = 0; i < 40; i++) {
      monitor.refused("10" + i + "@a.example.com", "a.example.com", clock.instant());
    }
    assertThat(monitor.read(clock.instant()).failing()).isFalse();
  }

  @Test
  void serverSideFailuresAlwaysCount() {
    for (int i = 0; i < 30; i++) {
      monitor.failed("a.example.com", clock.instant());
    }
    assertThat(monitor.read(clock.instant()).failing()).isTrue();
  }

  @Test
  void fewRequestsNeverFireHoweverBadTheirRatio() {
    registrations("a.example.com", 0, 19);
    assertThat(monitor.read(clock.instant()).failing()).isFalse();
    registrations("a.example.com", 0, 1);
    assertThat(monitor.read(clock.instant()).failing()).isTrue();
  }

  @Test
  void aShortBlipAfterALongHealthyStretchDoesNotFireButASustainedFailureDoes() {
    for (int minute = 0; minute < 9; minute++) {
      registrations("a.example.com", 100, 1); // 1 % failures: the budget, not a burn
      clock.advanceSeconds(60);
    }
    assertThat(monitor.read(clock.instant()).failing()).isFalse();
    registrations(
        "a.example.com", 0, 60); // the last minute fails completely: 60 of 969 over 10 min is 6 %
    Monitor.Reading blip = monitor.read(clock.instant());
    assertThat(blip.failing()).isFalse();
    assertThat(blip.summary())
        .startsWith(
            "60 of 60 registrations failed in the last 1m (100 %), 69 of 969 in the last 10m (7 %)");
    clock.advanceSeconds(60);
    registrations("a.example.com", 0, 60);
    assertThat(monitor.read(clock.instant()).failing()).isTrue();
    // after recovery the short window clears first
    clock.advanceSeconds(60);
    registrations("a.example.com", 100, 0);
    assertThat(monitor.read(clock.instant()).failing()).isFalse();
  }

  @Test
  void theTenantsFailingAreNamedAndDomainsWeDoNotServeAreNotCounted() {
    registrations("a.example.com", 0, 30);
    registrations("b.example.com", 30, 0);
    registrations("scanner.invalid", 0, 1000);
    Monitor.Reading r = monitor.read(clock.instant());
    assertThat(r.failing()).isTrue();
    assertThat(r.tenants()).containsExactly("a.example.com");
    assertThat(r.summary()).startsWith("30 of 60 registrations failed");
  }

  @Test
  void anIncidentIsDeclaredMonitoredAndResolvedByItself() {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusConfig d = StatusConfig.defaults();
      StatusService s =
          new StatusService(
              store.status(),
              new StatusConfig(
                  "p",
                  "https://status.example.com",
                  Duration.ofMinutes(5),
                  2000,
                  d.delivery(),
                  null),
              clock);
      s.ensureDefaults(StatusServiceTest.ALICE);
      AutoIncidents auto = new AutoIncidents(s, List.of(monitor), clock, "");
      auto.evaluate();
      assertThat(s.incidents(IncidentKind.INCIDENT, false, 10)).isEmpty();

      registrations("a.example.com", 5, 40);
      auto.evaluate();
      Incident opened = s.incidents(IncidentKind.INCIDENT, true, 10).get(0);
      assertThat(opened.name()).isEqualTo("SIP registrations failing");
      assertThat(opened.monitor()).isEqualTo("registration");
      assertThat(opened.status()).isEqualTo(IncidentStatus.INVESTIGATING);
      assertThat(opened.tenants()).containsExactly("a.example.com");
      assertThat(opened.updates().get(0).body())
          .startsWith(
              "Detected automatically: 40 of 45 registrations failed in the last 1m (89 %)");
      assertThat(component(s, "sip-registration")).isEqualTo(ComponentStatus.DEGRADED_PERFORMANCE);
      auto.evaluate(); // still failing, same tenants: no new update
      assertThat(s.incident(opened.id()).updates()).hasSize(1);
      assertThat(store.audit().list(null, null, 10).get(0).actor())
          .isEqualTo("monitor:registration");

      clock.advanceSeconds(61);
      registrations("a.example.com", 50, 0);
      auto.evaluate();
      assertThat(s.incident(opened.id()).status()).isEqualTo(IncidentStatus.MONITORING);
      assertThat(component(s, "sip-registration")).isEqualTo(ComponentStatus.DEGRADED_PERFORMANCE);
      clock.advanceSeconds(299);
      auto.evaluate();
      assertThat(s.incident(opened.id()).status()).isEqualTo(IncidentStatus.MONITORING);
      clock.advanceSeconds(1);
      auto.evaluate();
      Incident resolved = s.incident(opened.id());
      assertThat(resolved.status()).isEqualTo(IncidentStatus.RESOLVED);
      assertThat(resolved.updates().get(0).body()).isEqualTo("Resolved: no failures for 5m.");
      assertThat(component(s, "sip-registration")).isEqualTo(ComponentStatus.OPERATIONAL);
    }
  }

  @Test
  void aTenantNewlyFailingIsAddedAndOneRecoveringStaysUntilTheEnd() {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = service(store);
      AutoIncidents auto = new AutoIncidents(s, List.of(monitor), clock, "");
      registrations("a.example.com", 0, 40);
      auto.evaluate();
      clock.advanceSeconds(30);
      registrations("b.example.com", 0, 40);
      auto.evaluate();
      Incident i = s.incidents(IncidentKind.INCIDENT, true, 10).get(0);
      assertThat(i.tenants()).containsExactly("a.example.com", "b.example.com");
      assertThat(i.updates()).hasSize(2);
      assertThat(i.updates().get(0).body()).startsWith("Update: ");
      clock.advanceSeconds(
          31); // a.example.com's failures leave the short window; b's are still in it
      registrations("a.example.com", 20, 0);
      auto.evaluate();
      auto.evaluate();
      Incident later = s.incident(i.id());
      assertThat(later.tenants()).containsExactly("a.example.com", "b.example.com");
      assertThat(later.updates()).hasSize(2); // no update for a tenant that recovered
    }
  }

  @Test
  void failingAgainWhileMonitoringReopensTheInvestigation() {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = service(store);
      AutoIncidents auto = new AutoIncidents(s, List.of(monitor), clock, "");
      registrations("a.example.com", 0, 40);
      auto.evaluate();
      clock.advanceSeconds(61);
      registrations("a.example.com", 10, 0);
      auto.evaluate();
      registrations("a.example.com", 0, 100);
      auto.evaluate();
      List<Incident> open = s.incidents(IncidentKind.INCIDENT, true, 10);
      assertThat(open)
          .singleElement()
          .satisfies(
              i -> {
                assertThat(i.status()).isEqualTo(IncidentStatus.INVESTIGATING);
                assertThat(i.updates())
                    .extracting(u -> u.status().wire())
                    .containsExactly("investigating", "monitoring", "investigating");
                assertThat(i.updates().get(0).body()).startsWith("Failing again: ");
              });
    }
  }

  @Test
  void aPersonsOpenIncidentOnTheSameComponentSuppressesTheAutomaticOne() {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = service(store);
      Incident human =
          s.declare(
              new NewIncident(
                  "Registrar upgrade went wrong",
                  null,
                  Impact.MAJOR,
                  "We know.",
                  Map.of("sip-registration", ComponentStatus.PARTIAL_OUTAGE)),
              StatusServiceTest.ALICE);
      AutoIncidents auto = new AutoIncidents(s, List.of(monitor), clock, "");
      registrations("a.example.com", 0, 40);
      auto.evaluate();
      assertThat(s.incidents(IncidentKind.INCIDENT, true, 10))
          .extracting(Incident::id)
          .containsExactly(human.id());
      s.update(
          human.id(),
          new IncidentChange(IncidentStatus.RESOLVED, "Fixed.", null, null),
          StatusServiceTest.ALICE);
      auto.evaluate(); // still failing, no longer covered: now it declares
      assertThat(s.incidents(IncidentKind.INCIDENT, true, 10))
          .singleElement()
          .extracting(Incident::monitor)
          .isEqualTo("registration");
    }
  }

  @Test
  void onAClusterAHealthyNodeDoesNotResolveWhatAnotherStillSeesFailing() {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = service(store);
      RegistrationMonitor healthy =
          new RegistrationMonitor(settings, Set.of("a.example.com")::contains);
      AutoIncidents a = new AutoIncidents(s, List.of(monitor), clock, "a");
      AutoIncidents b = new AutoIncidents(s, List.of(healthy), clock, "b");
      registrations("a.example.com", 0, 40);
      for (int i = 0; i < 20; i++) {
        healthy.record(true, "a.example.com", clock.instant());
      }
      a.evaluate();
      b.evaluate();
      Incident opened = s.incidents(IncidentKind.INCIDENT, true, 10).get(0);
      assertThat(opened.monitor()).isEqualTo("registration@a");
      assertThat(opened.updates().get(0).body()).startsWith("Detected automatically on node a: ");
      assertThat(opened.status()).isEqualTo(IncidentStatus.INVESTIGATING);
      assertThat(s.incidents(IncidentKind.INCIDENT, true, 10)).hasSize(1);
      // a shared measurement (every node reads the same database) keeps one incident whichever node
      // reads it
      Monitor shared =
          new ConditionMonitor(
              "imports",
              "Import refused",
              Map.of("provisioning", ComponentStatus.OPERATIONAL),
              Impact.NONE,
              false,
              now -> Monitor.Reading.failing("refused"));
      new AutoIncidents(s, List.of(shared), clock, "a").evaluate();
      new AutoIncidents(s, List.of(shared), clock, "b").evaluate();
      assertThat(s.incidents(IncidentKind.INCIDENT, true, 10))
          .extracting(Incident::monitor)
          .containsExactlyInAnyOrder("registration@a", "imports");
    }
  }

  /** The status page on a test store, with the default components. */
  private StatusService service(JdbcStore store) {
    StatusService s = new StatusService(store.status(), StatusConfig.defaults(), clock);
    s.ensureDefaults(StatusServiceTest.ALICE);
    return s;
  }

  private static ComponentStatus component(StatusService s, String id) {
    return s.components().stream()
        .filter(c -> c.id().equals(id))
        .map(Component::status)
        .findFirst()
        .orElseThrow();
  }
}
