package dev.evertone.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.evertone.store.jdbc.JdbcStore;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Delivery;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Subscriber;
import dev.evertone.store.testing.TestClock;
import dev.evertone.store.testing.TestDatabases;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications really delivered: a webhook to an HTTP server on loopback, mail to an SMTP server
 * (GreenMail).
 */
class NotifierTest {
  @TempDir Path dir;
  final TestClock clock = new TestClock();
  GreenMail smtp;
  HttpServer receiver;
  final List<String[]> received = new CopyOnWriteArrayList<>(); // timestamp, signature, body
  final AtomicInteger failuresToAnswer = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (failuresToAnswer.getAndDecrement() > 0) {
              exchange.sendResponseHeaders(503, -1);
              return;
            }
            received.add(
                new String[] {
                  exchange.getRequestHeaders().getFirst(Notifier.TIMESTAMP),
                  exchange.getRequestHeaders().getFirst(Notifier.SIGNATURE),
                  body
                });
            exchange.sendResponseHeaders(204, -1);
          } finally {
            exchange.close();
          }
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    smtp.stop();
    receiver.stop(0);
  }

  private StatusConfig config() {
    StatusConfig d = StatusConfig.defaults();
    return new StatusConfig(
        "Example status",
        "https://status.example.com",
        d.quietPeriod(),
        2000,
        new StatusConfig.Delivery(
            3, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(5)),
        new StatusConfig.Mail(
            "127.0.0.1", smtp.getSmtp().getPort(), "status@example.com", null, null, false));
  }

  @Test
  void aWebhookIsSignedAndRetriedWithBackoffUntilTheReceiverTakesIt() {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = new StatusService(store.status(), config(), clock);
      s.ensureDefaults(StatusServiceTest.ALICE);
      Subscriber hook =
          s.subscribeWebhook(
              "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
              List.of(),
              null,
              StatusServiceTest.ALICE);
      Notifier notifier = new Notifier(store.status(), config(), clock);
      s.declare(
          new NewIncident(
              "Calls failing",
              null,
              Impact.MAJOR,
              "No calls out.",
              Map.of("outgoing-calls", ComponentStatus.PARTIAL_OUTAGE)),
          StatusServiceTest.ALICE);

      failuresToAnswer.set(2);
      assertThat(notifier.deliverDue()).isZero();
      Delivery first = store.status().deliveries(hook.id(), 10).get(0);
      assertThat(first.attempts()).isEqualTo(1);
      assertThat(first.lastError()).isEqualTo("HTTP 503 from " + hook.address());
      assertThat(first.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(30));
      assertThat(notifier.deliverDue()).isZero(); // not due yet: nothing sent
      clock.advanceSeconds(30);
      assertThat(notifier.deliverDue()).isZero();
      assertThat(store.status().deliveries(hook.id(), 10).get(0).nextAttemptAt())
          .isEqualTo(clock.instant().plusSeconds(60)); // doubled
      clock.advanceSeconds(60);
      assertThat(notifier.deliverDue()).isEqualTo(1);
      assertThat(store.status().deliveries(hook.id(), 10).get(0).deliveredAt()).isNotNull();

      assertThat(received).hasSize(1);
      String[] r = received.get(0);
      String secret = Objects.requireNonNull(hook.secret(), "a webhook has a secret");
      assertThat(r[1]).isEqualTo("sha256=" + Notifier.sign(secret, r[0], r[2]));
      assertThat(r[1]).isNotEqualTo("sha256=" + Notifier.sign("whsec_wrong", r[0], r[2]));
      assertThat(r[2])
          .contains(
              "\"name\":\"Calls failing\"",
              "\"status\":\"investigating\"",
              "\"impact\":\"major\"",
              "\"unsubscribe\":\"https://status.example.com/subscriptions/unsubscribe?token="
                  + hook.token());
      assertThat(notifier.deliverDue()).isZero(); // delivered once, never again
    }
  }

  @Test
  void aReceiverThatNeverAnswersIsGivenUpAfterTheLastAttempt() {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = new StatusService(store.status(), config(), clock);
      s.ensureDefaults(StatusServiceTest.ALICE);
      Subscriber hook =
          s.subscribeWebhook(
              "http://127.0.0.1:1/nobody-listens", List.of(), null, StatusServiceTest.ALICE);
      Notifier notifier = new Notifier(store.status(), config(), clock);
      s.declare(new NewIncident("x", null, Impact.MINOR, "y", Map.of()), StatusServiceTest.ALICE);
      for (int i = 0; i < 5; i++) {
        notifier.deliverDue();
        clock.advanceSeconds(600);
      }
      Delivery d = store.status().deliveries(hook.id(), 10).get(0);
      assertThat(d.attempts()).isEqualTo(3);
      assertThat(d.deliveredAt()).isNull();
      assertThat(d.lastError())
          .isEqualTo(
              "gave up: cannot connect to http://127.0.0.1:1/nobody-listens: nothing listens there,"
                  + " or it is unreachable");
    }
  }

  @Test
  void mailIsDoubleOptInAndCarriesAnUnsubscribeLink() throws Exception {
    try (JdbcStore store =
        JdbcStore.open(TestDatabases.fresh(TestDatabases.Kind.SQLITE, dir), clock)) {
      StatusService s = new StatusService(store.status(), config(), clock);
      s.ensureDefaults(StatusServiceTest.ALICE);
      Notifier notifier = new Notifier(store.status(), config(), clock);
      Subscriber sub =
          s.subscribeEmail(
              "noc@example.org", List.of("sip-registration"), null, StatusServiceTest.ALICE);
      // asking again (a double click, or someone trying to flood the address) mails nothing more
      assertThat(
              s.subscribeEmail(
                      "NOC@example.org", List.of("sip-registration"), null, StatusServiceTest.ALICE)
                  .id())
          .isEqualTo(sub.id());
      assertThat(notifier.deliverDue()).isEqualTo(1);
      MimeMessage confirm = smtp.getReceivedMessages()[0];
      assertThat(confirm.getSubject()).isEqualTo("Confirm your subscription to Example status");
      assertThat(confirm.getAllRecipients()[0].toString()).isEqualTo("noc@example.org");
      assertThat(GreenMailUtil.getBody(confirm))
          .contains("https://status.example.com/subscriptions/confirm?token=" + sub.token());

      // before confirming: nothing
      s.declare(
          new NewIncident(
              "First",
              null,
              Impact.MINOR,
              "one",
              Map.of("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE)),
          StatusServiceTest.ALICE);
      notifier.deliverDue();
      assertThat(smtp.getReceivedMessages()).hasSize(1);

      assertThat(s.confirm(sub.token(), StatusServiceTest.ALICE)).isTrue();
      s.declare(
          new NewIncident(
              "Second",
              null,
              Impact.MINOR,
              "two",
              Map.of("sip-registration", ComponentStatus.DEGRADED_PERFORMANCE)),
          StatusServiceTest.ALICE);
      s.declare(
          new NewIncident(
              "Elsewhere",
              null,
              Impact.MINOR,
              "three",
              Map.of("webphone", ComponentStatus.DEGRADED_PERFORMANCE)),
          StatusServiceTest.ALICE);
      assertThat(notifier.deliverDue()).isEqualTo(1);
      MimeMessage incident = smtp.getReceivedMessages()[1];
      assertThat(incident.getSubject()).isEqualTo("[Example status] Second - Investigating");
      assertThat(incident.getHeader("List-Unsubscribe")[0])
          .isEqualTo(
              "<https://status.example.com/subscriptions/unsubscribe?token=" + sub.token() + ">");
      assertThat(GreenMailUtil.getBody(incident)).contains("Investigating - two");
      assertThat(smtp.getReceivedMessages())
          .hasSize(2); // "Elsewhere" concerns a component it did not subscribe to
    }
  }
}
