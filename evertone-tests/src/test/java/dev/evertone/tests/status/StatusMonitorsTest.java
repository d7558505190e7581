package dev.evertone.tests.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tls.testing.TestPki;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitors other than registrations, each against what really fails: a certificate, a STUN
 * server.
 */
class StatusMonitorsTest {
  @TempDir Path dir;

  private static List<Incident> open(ServerFixture fx) {
    return fx.status().service().incidents(IncidentKind.INCIDENT, true, 10);
  }

  private static ComponentStatus component(ServerFixture fx, String id) {
    return fx.status().service().components().stream()
        .filter(c -> c.id().equals(id))
        .map(Component::status)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aCertificateThatExpiresWithinTheHorizonOpensANotice() throws Exception {
    TestPki.Issued root =
        TestPki.root(
            "Status Test Root",
            Instant.now().minus(10, ChronoUnit.DAYS),
            Instant.now().plus(3650, ChronoUnit.DAYS));
    // the served certificate is good for 90 days: within a 100-day horizon
    try (ServerFixture fx =
        ServerFixture.withCertificate(
            dir,
            root,
            "sip.example.com",
            "status.interval=200ms",
            "status.monitors.certificate-expiry=100d")) {
      Await.until(Duration.ofSeconds(10), "the notice", () -> !open(fx).isEmpty());
      Incident notice = open(fx).get(0);
      assertThat(notice.name()).isEqualTo("A TLS certificate expires soon");
      assertThat(notice.monitor()).isEqualTo("certificate-expiry");
      assertThat(notice.impact()).isEqualTo(Impact.NONE);
      assertThat(notice.updates().get(0).body()).contains("'sip.example.com'", "within 100 days");
      assertThat(component(fx, "sip-registration"))
          .isEqualTo(ComponentStatus.OPERATIONAL); // nothing is broken yet
    }
  }

  @Test
  void aStunServerThatDoesNotAnswerItsProbeOpensAnIncidentOnStunTurn() throws Exception {
    try (DatagramSocket silent =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ServerFixture fx =
            new ServerFixture(
                dir.resolve("data"),
                "status.interval=200ms",
                "stun.probe-interval=300ms",
                "stun.probe-timeout=100ms",
                "stun.probe-servers=127.0.0.1:" + silent.getLocalPort())) {
      Await.until(Duration.ofSeconds(10), "the incident", () -> !open(fx).isEmpty());
      Incident incident = open(fx).get(0);
      assertThat(incident.name()).isEqualTo("STUN/TURN probe failing");
      assertThat(incident.impact()).isEqualTo(Impact.MAJOR);
      assertThat(incident.updates().get(0).body()).contains("127.0.0.1:" + silent.getLocalPort());
      assertThat(component(fx, "stun-turn")).isEqualTo(ComponentStatus.PARTIAL_OUTAGE);
      assertThat(component(fx, "webphone")).isEqualTo(ComponentStatus.DEGRADED_PERFORMANCE);
    }
  }
}
