package dev.evertone.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.status.ComponentEvent;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Incident;
import dev.evertone.store.testing.TestClock;
import dev.evertone.store.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * What the public reads: Statuspage's JSON shapes, the feeds as valid XML, the uptime bars, and no
 * tenant anywhere.
 */
class PublicOutputTest {
  @TempDir Path dir;
  final TestClock clock = new TestClock();

  @Test
  void theJsonHasStatuspagesShapeAndNamesNoTenant() throws Exception {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = new StatusService(store.status(), StatusConfig.defaults(), clock);
      s.ensureDefaults(StatusServiceTest.ALICE);
      Incident i =
          s.declare(
              new NewIncident(
                  "Registrations <failing>",
                  null,
                  Impact.MINOR,
                  "403s & timeouts",
                  Map.of("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE)),
              "registration",
              List.of("tenant-a.example"),
              StatusServiceTest.ALICE);
      s.scheduleMaintenance(
          new NewMaintenance(
              "Database upgrade",
              "Short pauses.",
              clock.instant().plusSeconds(3600),
              clock.instant().plusSeconds(7200),
              List.of("provisioning")),
          StatusServiceTest.ALICE);
      StatusPage page = new StatusPage(s, clock);

      JsonNode summary = StatuspageJson.MAPPER.valueToTree(page.summary());
      assertThat(summary.at("/page/time_zone").asText()).isEqualTo("Etc/UTC");
      assertThat(summary.at("/status/indicator").asText()).isEqualTo("minor");
      assertThat(summary.at("/status/description").asText()).isEqualTo("Minor Service Outage");
      assertThat(summary.at("/incidents/0/id").asText()).isEqualTo(i.id());
      assertThat(summary.at("/incidents/0/incident_updates/0/body").asText())
          .isEqualTo("403s & timeouts");
      assertThat(summary.at("/incidents/0/components/0/status").asText())
          .isEqualTo("degraded_performance");
      assertThat(summary.at("/incidents/0/shortlink").asText())
          .isEqualTo("http://localhost:8080/incidents/" + i.id());
      assertThat(summary.at("/scheduled_maintenances/0/scheduled_for").asText())
          .isEqualTo(clock.instant().plusSeconds(3600).toString());
      // groups as Statuspage has them: a component with group: true listing its members, each
      // member naming it
      JsonNode group = null;
      for (JsonNode c : summary.get("components")) {
        if (c.get("group").asBoolean() && c.get("name").asText().equals("Voice")) {
          group = c;
        }
      }
      assertThat(group).isNotNull();
      JsonNode voice = Objects.requireNonNull(group);
      assertThat(voice.get("components"))
          .extracting(JsonNode::asText)
          .containsExactly("sip-registration", "outgoing-calls", "incoming-calls");
      assertThat(voice.get("status").asText()).isEqualTo("degraded_performance");
      assertThat(summary.at("/components/0/group_id").asText()).isEqualTo(voice.get("id").asText());
      assertThat(
              StatuspageJson.MAPPER
                  .valueToTree(page.maintenances("upcoming"))
                  .get("scheduled_maintenances"))
          .hasSize(1);
      assertThat(
              StatuspageJson.MAPPER
                  .valueToTree(page.maintenances("active"))
                  .get("scheduled_maintenances"))
          .isEmpty();

      for (String out :
          List.of(
              StatuspageJson.MAPPER.writeValueAsString(page.summary()),
              StatuspageJson.MAPPER.writeValueAsString(page.incidents(false)),
              page.html(),
              page.incidentHtml(i.id()).orElseThrow(),
              page.rss(),
              page.atom())) {
        assertThat(out).doesNotContain("tenant-a.example");
      }
      // text is escaped, never markup
      assertThat(page.html())
          .contains("Registrations &lt;failing&gt;", "403s &amp; timeouts")
          .doesNotContain("<failing>");
    }
  }

  @Test
  void aComponentThisInstallationDoesNotOfferIsNotCalledOperational() throws Exception {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = new StatusService(store.status(), StatusConfig.defaults(), clock);
      s.ensureDefaults(StatusServiceTest.ALICE);
      StatusPage page = new StatusPage(s, clock, java.util.Set.of("webphone"));
      String html = page.html();
      int webphone = html.indexOf("id=\"component-webphone\"");
      assertThat(webphone).isPositive();
      assertThat(html.substring(webphone, html.indexOf("</div></div>", webphone)))
          .contains("Not configured")
          .doesNotContain("Operational");
      assertThat(page.summary().components())
          .extracting(StatuspageJson.ComponentJson::name)
          .contains("SIP Registration")
          .doesNotContain("Webphone (WebRTC)");
    }
  }

  @Test
  void theRenderingIsKeptBrieflyButAChangeHereShowsAtOnce() throws Exception {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = new StatusService(store.status(), StatusConfig.defaults(), clock);
      s.ensureDefaults(StatusServiceTest.ALICE);
      StatusPage page = new StatusPage(s, clock);
      assertThat(page.summary().incidents()).isEmpty();
      assertThat(page.html()).contains("All Systems Operational");
      s.declare(
          new NewIncident("Declared here", null, Impact.MAJOR, "x", Map.of()),
          StatusServiceTest.ALICE);
      assertThat(page.summary().incidents())
          .extracting(StatuspageJson.IncidentJson::name)
          .containsExactly("Declared here");
      assertThat(page.html()).contains("Declared here");
      // another node's change (written to the store by another service) shows once the rendering is
      // older than its limit
      new StatusService(store.status(), StatusConfig.defaults(), clock)
          .declare(
              new NewIncident("Declared elsewhere", null, Impact.MINOR, "y", Map.of()),
              StatusServiceTest.ALICE);
      assertThat(page.html()).doesNotContain("Declared elsewhere");
      clock.advanceSeconds(2);
      assertThat(page.html()).contains("Declared elsewhere");
    }
  }

  @Test
  void theFeedsAreValidXmlWithAnItemPerIncident() throws Exception {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = new StatusService(store.status(), StatusConfig.defaults(), clock);
      s.ensureDefaults(StatusServiceTest.ALICE);
      s.declare(
          new NewIncident("First <one>", null, Impact.MINOR, "a & b", Map.of()),
          StatusServiceTest.ALICE);
      clock.advanceSeconds(10);
      s.declare(
          new NewIncident("Second", null, Impact.MAJOR, "c", Map.of()), StatusServiceTest.ALICE);
      StatusPage page = new StatusPage(s, clock);
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      Document rss =
          f.newDocumentBuilder()
              .parse(new ByteArrayInputStream(page.rss().getBytes(StandardCharsets.UTF_8)));
      assertThat(rss.getElementsByTagName("item").getLength()).isEqualTo(2);
      assertThat(rss.getElementsByTagName("title").item(1).getTextContent())
          .isEqualTo("Second"); // newest first, after the channel's
      assertThat(rss.getElementsByTagName("description").item(2).getTextContent())
          .contains("<strong>Investigating</strong> - a &amp; b");
      Document atom =
          f.newDocumentBuilder()
              .parse(new ByteArrayInputStream(page.atom().getBytes(StandardCharsets.UTF_8)));
      assertThat(atom.getDocumentElement().getNamespaceURI())
          .isEqualTo("http://www.w3.org/2005/Atom");
      assertThat(atom.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry").getLength())
          .isEqualTo(2);
    }
  }

  @Test
  void uptimeCountsMajorOutagesFullyAndPartialOnesAtThirtyPercent() {
    Instant midnight = Instant.parse("2026-11-29T00:00:00Z");
    Instant now = Instant.parse("2026-11-30T12:00:00Z");
    List<ComponentEvent> events =
        List.of(
            new ComponentEvent(
                "c", ComponentStatus.OPERATIONAL, Instant.parse("2026-11-28T08:00:00Z")),
            new ComponentEvent(
                "c", ComponentStatus.MAJOR_OUTAGE, midnight.plus(Duration.ofHours(6))),
            new ComponentEvent(
                "c", ComponentStatus.PARTIAL_OUTAGE, midnight.plus(Duration.ofHours(12))),
            new ComponentEvent(
                "c", ComponentStatus.OPERATIONAL, midnight.plus(Duration.ofHours(22))));
    Uptime.Bar bar = Uptime.of(events, now, 5);
    assertThat(bar.days())
        .extracting(d -> d.date().toString())
        .containsExactly("2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30");
    assertThat(bar.days().get(0).uptime()).isNull(); // before the component existed
    assertThat(bar.days().get(2).uptime()).isEqualTo(1.0);
    // 6 h down, 10 h at 30 %: 9 h of 24 down
    assertThat(bar.days().get(3).uptime())
        .isCloseTo(1 - 9.0 / 24, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(bar.days().get(3).worst()).isEqualTo(ComponentStatus.MAJOR_OUTAGE);
    assertThat(bar.days().get(4).uptime()).isEqualTo(1.0);
    // over the 16 h of the 28th, 24 h of the 29th and 12 h of today: 9 h down of 52
    assertThat(bar.uptime()).isCloseTo(1 - 9.0 / 52, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aRatioMonitorComparesFailuresWithinItsWindowOnly() {
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    RatioMonitor m =
        new RatioMonitor("TLS handshakes", ok::get, failed::get, Duration.ofSeconds(60), 0.5, 10);
    assertThat(m.read(clock.instant()).failing()).isFalse();
    failed.addAndGet(9);
    clock.advanceSeconds(10);
    assertThat(m.read(clock.instant()).failing()).isFalse(); // 9 of 9: too few to judge
    failed.addAndGet(2);
    ok.addAndGet(5);
    clock.advanceSeconds(10);
    Monitor.Reading r = m.read(clock.instant());
    assertThat(r.failing()).isTrue();
    assertThat(r.summary()).startsWith("11 of 16 TLS handshakes failed in the last 1m (69 %)");
    ok.addAndGet(100);
    clock.advanceSeconds(61); // the failures leave the window
    assertThat(m.read(clock.instant()).failing()).isFalse();
  }
}
