package dev.evertone.store.status;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Someone who hears of incidents.
 *
 * @param address a URL (webhook) or a mail address
 * @param secret the HMAC key that signs webhooks (null for email)
 * @param components only incidents affecting one of these components; empty: all
 * @param domain a tenant's subscriber hears only of incidents of the whole platform or of that
 *     tenant; null: platform-wide
 * @param token the secret in the confirm and unsubscribe links
 * @param confirmedAt when the address confirmed the subscription (webhooks: at once); null while
 *     unconfirmed
 */
public record Subscriber(
    String id,
    SubscriberKind kind,
    String address,
    @Nullable String secret,
    List<String> components,
    @Nullable String domain,
    String token,
    @Nullable Instant confirmedAt,
    Instant createdAt) {

  public Subscriber {
    components = List.copyOf(components);
  }

  @Override
  public String toString() {
    return "Subscriber[" + id + " " + kind.wire() + " " + address + "]";
  }
}
