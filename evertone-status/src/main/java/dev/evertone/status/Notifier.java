package dev.evertone.status;

import dev.evertone.store.status.Delivery;
import dev.evertone.store.status.StatusRepository;
import dev.evertone.store.status.Subscriber;
import dev.evertone.store.status.SubscriberKind;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox of notifications: webhooks as a signed JSON POST, mails through the SMTP
 * relay. A failed attempt is retried with a doubling wait ({@code status.delivery.*}); after the
 * last attempt it is given up and logged.
 *
 * <p>A webhook carries {@code X-Evertone-Timestamp} (Unix seconds) and {@code X-Evertone-Signature:
 * sha256=<hex>}, the HMAC-SHA256 with the subscriber's secret of the timestamp, a '.', and the
 * body: a receiver recomputes it and refuses a stale timestamp, so that a captured request cannot
 * be replayed later.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);
  static final String SIGNATURE = "X-Evertone-Signature";
  static final String TIMESTAMP = "X-Evertone-Timestamp";

  /**
   * A delivery being attempted is held this long, so that another node does not attempt it at the
   * same time.
   */
  private static final Duration LEASE = Duration.ofMinutes(2);

  private static final Instant NEVER = Instant.parse("9999-12-31T00:00:00Z");

  private final StatusRepository repository;
  private final StatusConfig config;
  private final Clock clock;
  private final HttpClient http;

  /** The SMTP settings, made once: every mail goes through the same relay. */
  private final @Nullable Session mailSession;

  private final ScheduledExecutorService executor = Background.thread("status-notifier");

  public Notifier(StatusRepository repository, StatusConfig config, Clock clock) {
    this.repository = repository;
    this.config = config;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.delivery().timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.mailSession =
        config.mail() == null ? null : mailSession(config.mail(), config.delivery().timeout());
  }

  private static Session mailSession(StatusConfig.Mail mail, Duration timeout) {
    Properties p = new Properties();
    p.put("mail.smtp.host", mail.host());
    p.put("mail.smtp.port", Integer.toString(mail.port()));
    p.put("mail.smtp.connectiontimeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.timeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.writetimeout", Long.toString(timeout.toMillis()));
    if (mail.startTls()) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    if (mail.username() != null) {
      p.put("mail.smtp.auth", "true");
    }
    return Session.getInstance(p);
  }

  /** Looks at the outbox every {@code interval}: for retries, and for what other nodes queued. */
  public Notifier start(Duration interval) {
    Background.every(executor, Duration.ZERO, interval, this::deliverDue);
    return this;
  }

  /**
   * Looks at the outbox now (something was just queued), besides the regular look every interval.
   */
  public void wake() {
    try {
      executor.execute(this::deliverDue);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the next start delivers what is queued
    }
  }

  /** Attempts every due delivery once; returns how many were delivered. */
  public int deliverDue() {
    int delivered = 0;
    try {
      List<Delivery> due = repository.dueDeliveries(clock.instant(), 100);
      if (due.isEmpty()) {
        return 0;
      }
      Map<String, Subscriber> subscribers = new HashMap<>();
      for (Subscriber s : repository.subscribers()) {
        subscribers.put(s.id(), s);
      }
      for (Delivery d : due) {
        Subscriber s = subscribers.get(d.subscriberId());
        if (s == null
            || !repository.claim(d.id(), d.nextAttemptAt(), clock.instant().plus(LEASE))) {
          continue; // unsubscribed meanwhile (its deliveries go with it), or another node took it
        }
        String error = attempt(s, d);
        if (error == null) {
          repository.delivered(d.id(), clock.instant());
          delivered++;
        } else {
          int attempts = d.attempts() + 1;
          if (attempts >= config.delivery().maxAttempts()) {
            log.error(
                "gave up notifying {} ({}) after {} attempts: {}", s, d.subject(), attempts, error);
            repository.failed(d.id(), attempts, NEVER, "gave up: " + error);
          } else {
            Duration wait = backoff(attempts);
            log.warn(
                "notifying {} failed (attempt {}), next in {} s: {}",
                s,
                attempts,
                wait.toSeconds(),
                error);
            repository.failed(d.id(), attempts, clock.instant().plus(wait), error);
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("the notification outbox could not be read; next try in a moment", e);
    }
    return delivered;
  }

  /** The wait after the n-th failed attempt: firstRetry, doubled each time, at most maxRetry. */
  Duration backoff(int attempts) {
    Duration wait = config.delivery().firstRetry().multipliedBy(1L << Math.min(attempts - 1, 20));
    return wait.compareTo(config.delivery().maxRetry()) > 0 ? config.delivery().maxRetry() : wait;
  }

  /** One attempt; null when delivered, else why not. */
  private @Nullable String attempt(Subscriber s, Delivery d) {
    try {
      return s.kind() == SubscriberKind.WEBHOOK ? post(s, d) : mail(s, d);
    } catch (IOException | MessagingException | RuntimeException e) {
      return why(e, s.address());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Why an attempt to reach {@code target} failed, in words an operator can act on: never a bare
   * "ConnectException: null".
   */
  static String why(Exception e, String target) {
    if (e instanceof java.net.ConnectException) {
      return "cannot connect to " + target + ": nothing listens there, or it is unreachable";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer from " + target + " within status.delivery.timeout";
    }
    if (e instanceof java.net.UnknownHostException) {
      return "cannot resolve the host of " + target;
    }
    if (e instanceof javax.net.ssl.SSLException) {
      return "TLS with " + target + " failed: " + e.getMessage();
    }
    String m = e.getMessage();
    Throwable cause = e.getCause();
    if ((m == null || m.isBlank()) && cause instanceof Exception c && c != e) {
      return why(c, target);
    }
    return m == null || m.isBlank()
        ? "delivery to " + target + " failed (" + e.getClass().getSimpleName() + ")"
        : m + " (" + target + ")";
  }

  private @Nullable String post(Subscriber s, Delivery d) throws IOException, InterruptedException {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(s.address()))
            .timeout(config.delivery().timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "evertone-status")
            .header(TIMESTAMP, timestamp)
            .header(
                SIGNATURE,
                "sha256=" + sign(s.secret() == null ? "" : s.secret(), timestamp, d.payload()))
            .POST(HttpRequest.BodyPublishers.ofString(d.payload(), StandardCharsets.UTF_8))
            .build();
    HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
    return response.statusCode() / 100 == 2
        ? null
        : "HTTP " + response.statusCode() + " from " + s.address();
  }

  /** The signature a receiver recomputes: hex HMAC-SHA256 of {@code timestamp + "." + body}. */
  public static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '.');
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private @Nullable String mail(Subscriber s, Delivery d) throws MessagingException {
    StatusConfig.Mail mail = config.mail();
    if (mail == null || mailSession == null) {
      return "no SMTP relay configured (status.smtp.host)";
    }
    MimeMessage m = new MimeMessage(mailSession);
    m.setFrom(new InternetAddress(mail.from()));
    m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(s.address()));
    m.setSubject(d.subject(), "UTF-8");
    m.setText(d.payload(), "UTF-8");
    // RFC 8058: one-click unsubscribe for mail clients that offer it
    m.setHeader("List-Unsubscribe", "<" + Notifications.unsubscribeLink(config, s) + ">");
    m.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    if (mail.username() != null) {
      Transport.send(m, mail.username(), mail.password() == null ? "" : mail.password());
    } else {
      Transport.send(m);
    }
    return null;
  }

  @Override
  public void close() {
    Background.stop(executor);
  }
}
