package dev.evertone.status;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The status page's settings.
 *
 * @param pageName the page's title, e.g. "Example Telecom status"
 * @param publicUrl where customers reach the page (links in mails, feeds and webhooks), e.g.
 *     https://status.example.com
 * @param quietPeriod how long an automatic incident stays in monitoring, with its monitor quiet,
 *     before it is resolved
 * @param maxBodyChars the longest incident update or postmortem text
 * @param delivery how notifications are retried
 * @param mail the SMTP relay for email subscribers; null: no email subscriptions
 */
public record StatusConfig(
    String pageName,
    String publicUrl,
    Duration quietPeriod,
    int maxBodyChars,
    Delivery delivery,
    @Nullable Mail mail) {

  /**
   * How notifications are delivered: attempts, the waits between them, and how long one may take.
   *
   * @param maxAttempts after this many failed attempts a notification is given up (and logged)
   * @param firstRetry the wait after the first failure; it doubles after each next one, up to
   *     maxRetry
   * @param timeout how long one webhook POST or SMTP conversation may take
   */
  public record Delivery(
      int maxAttempts, Duration firstRetry, Duration maxRetry, Duration timeout) {}

  /**
   * The mail relay that sends e-mail notifications.
   *
   * @param from the sender address, e.g. status@example.com
   * @param startTls require STARTTLS before sending (use it for any relay off this machine)
   */
  public record Mail(
      String host,
      int port,
      String from,
      @Nullable String username,
      @Nullable String password,
      boolean startTls) {
    @Override
    public String toString() {
      return "Mail[" + host + ":" + port + " from " + from + "]";
    }
  }

  /** Defaults that fit most installations; a test or a configuration file changes what it needs. */
  public static StatusConfig defaults() {
    return new StatusConfig(
        "evertone status",
        "http://localhost:8080",
        Duration.ofMinutes(10),
        10_000,
        new Delivery(10, Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofSeconds(10)),
        null);
  }
}
