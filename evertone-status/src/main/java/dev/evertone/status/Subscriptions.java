package dev.evertone.status;

import dev.evertone.store.Actor;
import dev.evertone.store.ValidationException;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.StatusRepository;
import dev.evertone.store.status.Subscriber;
import dev.evertone.store.status.SubscriberKind;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Who hears of the status page's changes: webhooks (added by an operator, confirmed at once, with
 * their signing secret) and mail addresses (double opt-in from the public form), each for some
 * components or all, for the whole platform or one tenant; and which of them a change concerns.
 */
final class Subscriptions {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern EMAIL =
      Pattern.compile("[^@\\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}");

  /** An unconfirmed address is sent its confirmation again after this long at the earliest. */
  static final Duration CONFIRMATION_RESEND = Duration.ofHours(1);

  private final StatusRepository repository;
  private final StatusConfig config;
  private final Clock clock;
  private final Notifications notifications;
  private final Runnable queued;

  /**
   * Subscriptions on {@code repository}.
   *
   * @param queued runs after a notification was queued (a confirmation mail)
   */
  Subscriptions(
      StatusRepository repository,
      StatusConfig config,
      Clock clock,
      Notifications notifications,
      Runnable queued) {
    this.repository = repository;
    this.config = config;
    this.clock = clock;
    this.notifications = notifications;
    this.queued = queued;
  }

  /**
   * Subscribes a webhook; it is confirmed at once (an operator adds it) and gets its signing
   * secret.
   */
  Subscriber webhook(String url, List<String> components, @Nullable String domain, Actor actor) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ValidationException("url", "'" + url + "' is not a URL");
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
        || uri.getHost() == null
        || url.length() > 500) {
      throw new ValidationException(
          "url", "'" + url + "' is not an http(s) URL (at most 500 characters)");
    }
    StatusService.knownComponents(repository, components);
    Instant now = StatusService.now(clock);
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return repository.addSubscriber(
        new Subscriber(
            StatusService.newId(),
            SubscriberKind.WEBHOOK,
            url,
            "whsec_" + java.util.HexFormat.of().formatHex(secret),
            components,
            domain,
            token(),
            now,
            now),
        actor);
  }

  /**
   * Subscribes a mail address; it hears nothing until it follows the link in the confirmation mail
   * (double opt-in).
   */
  Subscriber email(String address, List<String> components, @Nullable String domain, Actor actor) {
    if (config.mail() == null) {
      throw new ValidationException(
          "email",
          "email subscriptions need an SMTP relay (status.smtp.host); this server has none");
    }
    String email = address.strip();
    if (email.length() > 320 || !EMAIL.matcher(email).matches()) {
      throw new ValidationException("email", "'" + address + "' is not a mail address");
    }
    StatusService.knownComponents(repository, components);
    Instant now = StatusService.now(clock);
    // the public form must not become a way to mail someone again and again: an address already
    // subscribed gets nothing new, one waiting for its confirmation another mail only after an hour
    for (Subscriber existing : repository.subscribers()) {
      if (existing.kind() == SubscriberKind.EMAIL
          && existing.address().equalsIgnoreCase(email)
          && java.util.Objects.equals(existing.domain(), domain)) {
        if (existing.confirmedAt() == null
            && existing.createdAt().isBefore(now.minus(CONFIRMATION_RESEND))) {
          repository.enqueue(List.of(notifications.confirmation(existing, now)));
          queued.run();
        }
        return existing;
      }
    }
    Subscriber s =
        repository.addSubscriber(
            new Subscriber(
                StatusService.newId(),
                SubscriberKind.EMAIL,
                email,
                null,
                components,
                domain,
                token(),
                null,
                now),
            actor);
    repository.enqueue(List.of(notifications.confirmation(s, now)));
    queued.run();
    return s;
  }

  /** A mail address follows its confirmation link; false for an unknown link. */
  boolean confirm(String token, Actor actor) {
    return token.length() <= 64 && repository.confirm(token, StatusService.now(clock), actor);
  }

  /** A subscriber follows its unsubscribe link; false for an unknown link. */
  boolean unsubscribe(String token, Actor actor) {
    return token.length() <= 64 && repository.unsubscribe(token, actor);
  }

  /**
   * The confirmed subscribers an incident concerns: its components (or all), the whole platform or
   * one of its tenants.
   */
  List<Subscriber> concerned(Incident incident) {
    List<Subscriber> out = new ArrayList<>();
    for (Subscriber s : repository.subscribers()) {
      if (s.confirmedAt() == null) {
        continue;
      }
      boolean component =
          s.components().isEmpty()
              || s.components().stream().anyMatch(incident.components()::containsKey);
      boolean tenant =
          s.domain() == null
              || incident.tenants().isEmpty()
              || incident.tenants().contains(s.domain());
      if (component && tenant) {
        out.add(s);
      }
    }
    return out;
  }

  private static String token() {
    byte[] raw = new byte[24];
    RANDOM.nextBytes(raw);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
