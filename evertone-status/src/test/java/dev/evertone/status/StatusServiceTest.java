package dev.evertone.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.store.Actor;
import dev.evertone.store.ValidationException;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Delivery;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import dev.evertone.store.status.Subscriber;
import dev.evertone.store.testing.TestClock;
import dev.evertone.store.testing.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The status page's rules on both databases: incidents, maintenances, component statuses,
 * subscribers.
 */
class StatusServiceTest {
  static final Actor ALICE = new Actor("token:alice", "203.0.113.9");
  @TempDir Path dir;
  final TestClock clock = new TestClock();

  private StatusService service(JdbcStore store, StatusConfig config) {
    StatusService s = new StatusService(store.status(), config, clock);
    s.ensureDefaults(ALICE);
    return s;
  }

  static StatusConfig withMail() {
    StatusConfig d = StatusConfig.defaults();
    return new StatusConfig(
        "Example status",
        "https://status.example.com",
        d.quietPeriod(),
        2000,
        d.delivery(),
        new StatusConfig.Mail("127.0.0.1", 2525, "status@example.com", null, null, false));
  }

  private static Map<String, ComponentStatus> statuses(StatusService s) {
    return s.components().stream().collect(Collectors.toMap(Component::id, Component::status));
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void anIncidentDegradesItsComponentsUntilResolvedAndThenTakesAPostmortem(
      TestDatabases.Kind kind) {
    try (JdbcStore store = JdbcStore.open(TestDatabases.fresh(kind, dir), clock)) {
      StatusService s = service(store, StatusConfig.defaults());
      assertThat(s.components())
          .extracting(Component::name)
          .containsExactly(
              "SIP Registration",
              "Outgoing Calls",
              "Incoming Calls",
              "Webphone (WebRTC)",
              "STUN/TURN",
              "Provisioning",
              "Admin API");
      s.ensureDefaults(ALICE); // a second start adds nothing
      assertThat(s.components()).hasSize(7);

      Incident i =
          s.declare(
              new NewIncident(
                  "Registrations failing in Frankfurt",
                  null,
                  Impact.MAJOR,
                  "We see 403s.",
                  Map.of("sip-registration", ComponentStatus.PARTIAL_OUTAGE)),
              ALICE);
      assertThat(i.status()).isEqualTo(IncidentStatus.INVESTIGATING);
      assertThat(statuses(s))
          .containsEntry("sip-registration", ComponentStatus.PARTIAL_OUTAGE)
          .containsEntry("webphone", ComponentStatus.OPERATIONAL);

      clock.advanceSeconds(60);
      s.update(
          i.id(),
          new IncidentChange(IncidentStatus.IDENTIFIED, "A certificate chain changed.", null, null),
          ALICE);
      clock.advanceSeconds(60);
      s.update(
          i.id(),
          new IncidentChange(
              IncidentStatus.MONITORING,
              "Rolled back.",
              Impact.MINOR,
              Map.of("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE)),
          ALICE);
      assertThat(statuses(s))
          .containsEntry("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE);
      assertThatThrownBy(() -> s.publishPostmortem(i.id(), "What happened.", ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("after an incident is resolved");

      clock.advanceSeconds(60);
      Incident resolved =
          s.update(
              i.id(),
              new IncidentChange(
                  IncidentStatus.RESOLVED, "All devices registered again.", null, null),
              ALICE);
      assertThat(resolved.resolvedAt()).isEqualTo(clock.instant());
      assertThat(statuses(s)).containsEntry("sip-registration", ComponentStatus.OPERATIONAL);
      Incident stored = s.incident(i.id());
      assertThat(stored.updates())
          .extracting(u -> u.status().wire())
          .containsExactly("resolved", "monitoring", "identified", "investigating");
      assertThat(stored.impact()).isEqualTo(Impact.MINOR);

      assertThatThrownBy(
              () ->
                  s.update(
                      i.id(),
                      new IncidentChange(IncidentStatus.INVESTIGATING, "again", null, null),
                      ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("is resolved and cannot change");
      Incident withPostmortem =
          s.publishPostmortem(i.id(), "The chain lost its cross-signed root.", ALICE);
      assertThat(s.incident(i.id()).postmortem())
          .isEqualTo("The chain lost its cross-signed root.");
      assertThat(withPostmortem.postmortemPublishedAt()).isNotNull();
      assertThat(store.audit().list(null, null, 100))
          .extracting(e -> e.action())
          .contains(
              "status.incident.declare",
              "status.incident.update",
              "status.incident.postmortem",
              "status.component.add");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void aComponentTakesTheWorstStatusOfItsOpenIncidents(TestDatabases.Kind kind) {
    try (JdbcStore store = JdbcStore.open(TestDatabases.fresh(kind, dir), clock)) {
      StatusService s = service(store, StatusConfig.defaults());
      Incident minor =
          s.declare(
              new NewIncident(
                  "Slow registrations",
                  null,
                  Impact.MINOR,
                  "Slow.",
                  Map.of("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE)),
              ALICE);
      Incident major =
          s.declare(
              new NewIncident(
                  "Database down",
                  null,
                  Impact.CRITICAL,
                  "Down.",
                  Map.of(
                      "sip-registration",
                      ComponentStatus.MAJOR_OUTAGE,
                      "provisioning",
                      ComponentStatus.MAJOR_OUTAGE)),
              ALICE);
      assertThat(statuses(s)).containsEntry("sip-registration", ComponentStatus.MAJOR_OUTAGE);
      s.update(major.id(), new IncidentChange(IncidentStatus.RESOLVED, "Back.", null, null), ALICE);
      assertThat(statuses(s))
          .containsEntry("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE)
          .containsEntry("provisioning", ComponentStatus.OPERATIONAL);
      // taking a component off an incident gives it back
      s.update(
          minor.id(),
          new IncidentChange(
              IncidentStatus.IDENTIFIED,
              "Only the webphone.",
              null,
              Map.of("webphone", ComponentStatus.DEGRADED_PERFORMANCE)),
          ALICE);
      assertThat(statuses(s))
          .containsEntry("sip-registration", ComponentStatus.OPERATIONAL)
          .containsEntry("webphone", ComponentStatus.DEGRADED_PERFORMANCE);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void badInputIsRefusedWithTheFieldAndWhatIsAllowed(TestDatabases.Kind kind) {
    try (JdbcStore store = JdbcStore.open(TestDatabases.fresh(kind, dir), clock)) {
      StatusService s = service(store, StatusConfig.defaults());
      assertThatThrownBy(
              () ->
                  s.declare(
                      new NewIncident(
                          "x",
                          null,
                          Impact.MINOR,
                          "y",
                          Map.of("sip-registraton", ComponentStatus.MAJOR_OUTAGE)),
                      ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("there is no component 'sip-registraton'")
          .hasMessageContaining("sip-registration");
      assertThatThrownBy(
              () ->
                  s.declare(
                      new NewIncident("x", IncidentStatus.SCHEDULED, Impact.MINOR, "y", Map.of()),
                      ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("investigating, identified, monitoring or resolved");
      assertThatThrownBy(
              () -> s.declare(new NewIncident(" ", null, Impact.MINOR, "y", Map.of()), ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageStartingWith("name: is required");
      assertThatThrownBy(
              () ->
                  s.declare(
                      new NewIncident("x", null, Impact.MINOR, "y".repeat(10_001), Map.of()),
                      ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("at most 10000");
      assertThatThrownBy(() -> s.putComponent("SIP Trunks", "SIP Trunks", null, null, null, ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("not a component id");
      assertThatThrownBy(() -> ComponentStatus.of("broken"))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining(
              "operational, under_maintenance, degraded_performance, partial_outage, major_outage");
      Incident i = s.declare(new NewIncident("x", null, Impact.MINOR, "y", Map.of()), ALICE);
      assertThatThrownBy(
              () ->
                  s.update(
                      i.id(),
                      new IncidentChange(IncidentStatus.IN_PROGRESS, "z", null, null),
                      ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("not a status of an incident");
      assertThatThrownBy(() -> s.subscribeWebhook("ftp://example.com/x", List.of(), null, ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("not an http(s) URL");
      assertThatThrownBy(() -> s.subscribeEmail("ops@example.com", List.of(), null, ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("need an SMTP relay");
      // nothing was stored by the refused calls
      assertThat(s.incidents(IncidentKind.INCIDENT, false, 10)).hasSize(1);
      assertThat(s.components()).hasSize(7);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void aMaintenanceStartsAndEndsByItself(TestDatabases.Kind kind) {
    try (JdbcStore store = JdbcStore.open(TestDatabases.fresh(kind, dir), clock)) {
      StatusService s = service(store, StatusConfig.defaults());
      Incident m =
          s.scheduleMaintenance(
              new NewMaintenance(
                  "Database upgrade",
                  "Registrations may take a few seconds longer.",
                  clock.instant().plusSeconds(3600),
                  clock.instant().plusSeconds(7200),
                  List.of("provisioning")),
              ALICE);
      assertThat(m.status()).isEqualTo(IncidentStatus.SCHEDULED);
      s.runSchedule();
      assertThat(statuses(s)).containsEntry("provisioning", ComponentStatus.OPERATIONAL);

      clock.advanceSeconds(3600);
      s.runSchedule();
      assertThat(s.incident(m.id()).status()).isEqualTo(IncidentStatus.IN_PROGRESS);
      assertThat(statuses(s)).containsEntry("provisioning", ComponentStatus.UNDER_MAINTENANCE);
      assertThatThrownBy(
              () ->
                  s.update(
                      m.id(),
                      new IncidentChange(IncidentStatus.SCHEDULED, "back", null, null),
                      ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("cannot go back to scheduled");

      clock.advanceSeconds(3600);
      s.runSchedule();
      Incident done = s.incident(m.id());
      assertThat(done.status()).isEqualTo(IncidentStatus.COMPLETED);
      assertThat(done.updates())
          .extracting(u -> u.status().wire())
          .containsExactly("completed", "in_progress", "scheduled");
      assertThat(statuses(s)).containsEntry("provisioning", ComponentStatus.OPERATIONAL);
      assertThatThrownBy(
              () ->
                  s.scheduleMaintenance(
                      new NewMaintenance("x", "y", clock.instant(), clock.instant(), List.of()),
                      ALICE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("scheduled_until: must be after scheduled_for");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void subscribersHearOfWhatConcernsThemAndTenantsOnlyOfThemselves(TestDatabases.Kind kind) {
    try (JdbcStore store = JdbcStore.open(TestDatabases.fresh(kind, dir), clock)) {
      StatusService s = service(store, withMail());
      Subscriber all = s.subscribeWebhook("https://hooks.example.net/all", List.of(), null, ALICE);
      Subscriber turnOnly =
          s.subscribeWebhook("https://hooks.example.net/turn", List.of("stun-turn"), null, ALICE);
      Subscriber tenantA =
          s.subscribeWebhook("https://a.example/hook", List.of(), "a.example.com", ALICE);
      Subscriber tenantB =
          s.subscribeWebhook("https://b.example/hook", List.of(), "b.example.com", ALICE);
      Subscriber mail = s.subscribeEmail("ops@example.org", List.of(), null, ALICE);
      assertThat(all.secret()).startsWith("whsec_");
      assertThat(store.status().subscribers())
          .extracting(Subscriber::secret)
          .contains(all.secret()); // stored encrypted, read back
      // an unconfirmed mail address gets the confirmation mail and nothing else
      assertThat(store.status().deliveries(mail.id(), 10))
          .singleElement()
          .satisfies(
              d ->
                  assertThat(d.payload())
                      .contains(
                          "https://status.example.com/subscriptions/confirm?token="
                              + mail.token()));

      s.declare(
          new NewIncident(
              "Registrations failing",
              null,
              Impact.MINOR,
              "Many 403s.",
              Map.of("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE)),
          "registration",
          List.of("a.example.com"),
          ALICE);
      assertThat(store.status().deliveries(all.id(), 10)).hasSize(1);
      assertThat(store.status().deliveries(turnOnly.id(), 10)).isEmpty();
      assertThat(store.status().deliveries(tenantB.id(), 10)).isEmpty();
      Delivery toA = store.status().deliveries(tenantA.id(), 10).get(0);
      assertThat(toA.payload())
          .contains("\"tenant\":\"a.example.com\"")
          .doesNotContain("b.example.com");
      String publicPayload = store.status().deliveries(all.id(), 10).get(0).payload();
      assertThat(publicPayload)
          .contains("\"incident_updates\"", "\"name\":\"Registrations failing\"", "Many 403s.")
          .doesNotContain("a.example.com");
      assertThat(store.status().deliveries(mail.id(), 10)).hasSize(1);

      assertThat(s.confirm(mail.token(), ALICE)).isTrue();
      assertThat(s.confirm("no-such-token", ALICE)).isFalse();
      s.declare(
          new NewIncident(
              "TURN relays down",
              null,
              Impact.MAJOR,
              "No relay.",
              Map.of("stun-turn", ComponentStatus.MAJOR_OUTAGE)),
          ALICE);
      assertThat(store.status().deliveries(turnOnly.id(), 10)).hasSize(1);
      assertThat(store.status().deliveries(tenantB.id(), 10))
          .hasSize(1); // a platform-wide incident concerns every tenant
      assertThat(store.status().deliveries(mail.id(), 10))
          .hasSize(2)
          .first()
          .satisfies(
              d -> {
                assertThat(d.subject())
                    .isEqualTo("[Example status] TURN relays down - Investigating");
                assertThat(d.payload())
                    .contains(
                        "Investigating - No relay.",
                        "Affected: STUN/TURN (major outage)",
                        "Unsubscribe: https://status.example.com/subscriptions/unsubscribe?token="
                            + mail.token());
              });

      assertThat(s.unsubscribe(mail.token(), ALICE)).isTrue();
      assertThat(store.status().subscribers()).extracting(Subscriber::id).doesNotContain(mail.id());
      assertThat(s.unsubscribe(mail.token(), ALICE)).isFalse();
      assertThat(store.audit().list(null, null, 20))
          .extracting(e -> e.action())
          .contains(
              "status.subscriber.confirm",
              "status.subscriber.unsubscribe",
              "status.subscriber.add");
    }
  }
}
