package dev.evertone.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.Delivery;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentUpdate;
import dev.evertone.store.status.Subscriber;
import dev.evertone.store.status.SubscriberKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What subscribers are told: a webhook gets Statuspage's webhook body ({@code meta}, {@code page},
 * {@code incident}), an email a short text with links to the incident and to unsubscribe. A
 * tenant's subscriber is told that its domain is affected, and of no other tenant.
 */
final class Notifications {
  private final StatusConfig config;
  private final StatuspageJson json;

  Notifications(StatusConfig config) {
    this.config = config;
    this.json = new StatuspageJson(config);
  }

  List<Delivery> about(
      Incident incident,
      String event,
      List<Subscriber> subscribers,
      List<Component> components,
      Instant now) {
    List<Delivery> out = new ArrayList<>();
    IncidentUpdate latest = incident.updates().get(0);
    String subject =
        "["
            + config.pageName()
            + "] "
            + incident.name()
            + " - "
            + ("postmortem".equals(event) ? "Postmortem" : words(latest.status().wire()));
    for (Subscriber s : subscribers) {
      String payload =
          s.kind() == SubscriberKind.WEBHOOK
              ? webhook(incident, event, s, components)
              : mail(incident, event, s, components);
      out.add(Delivery.of(s.id(), subject, payload, now));
    }
    return out;
  }

  private String webhook(
      Incident incident, String event, Subscriber s, List<Component> components) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("unsubscribe", unsubscribeLink(config, s));
    meta.put("event", event);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("meta", meta);
    body.put(
        "page",
        Map.of(
            "id", StatuspageJson.pageId(), "name", config.pageName(), "url", config.publicUrl()));
    body.put("incident", json.incident(incident, components));
    if (s.domain() != null && incident.tenants().contains(s.domain())) {
      body.put("tenant", s.domain()); // its own domain only: tenants are private to each other
    }
    try {
      return StatuspageJson.MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private String mail(Incident incident, String event, Subscriber s, List<Component> components) {
    StringBuilder b = new StringBuilder();
    b.append(incident.name()).append("\n\n");
    if ("postmortem".equals(event)) {
      b.append("Postmortem\n\n").append(incident.postmortem()).append("\n\n");
    } else {
      IncidentUpdate u = incident.updates().get(0);
      b.append(words(u.status().wire()))
          .append(" - ")
          .append(u.body())
          .append('\n')
          .append(u.createdAt())
          .append("\n\n");
    }
    if (s.domain() != null && incident.tenants().contains(s.domain())) {
      b.append("Devices of your domain ").append(s.domain()).append(" are affected.\n\n");
    }
    List<String> affected = new ArrayList<>();
    for (Component c : components) {
      if (incident.components().containsKey(c.id())) {
        affected.add(
            c.name()
                + " ("
                + words(incident.components().get(c.id()).wire()).toLowerCase(java.util.Locale.ROOT)
                + ")");
      }
    }
    if (!affected.isEmpty()) {
      b.append("Affected: ").append(String.join(", ", affected)).append("\n\n");
    }
    b.append("Details: ")
        .append(config.publicUrl())
        .append("/incidents/")
        .append(incident.id())
        .append('\n');
    b.append("Unsubscribe: ").append(unsubscribeLink(config, s)).append('\n');
    return b.toString();
  }

  Delivery confirmation(Subscriber s, Instant now) {
    String body =
        "Someone (we hope you) asked to be told by mail about incidents on "
            + config.pageName()
            + ".\n\n"
            + "Confirm it here: "
            + config.publicUrl()
            + "/subscriptions/confirm?token="
            + s.token()
            + "\n\n"
            + "If it was not you, ignore this mail: you will get nothing else from us.\n";
    return Delivery.of(s.id(), "Confirm your subscription to " + config.pageName(), body, now);
  }

  static String unsubscribeLink(StatusConfig config, Subscriber s) {
    return config.publicUrl() + "/subscriptions/unsubscribe?token=" + s.token();
  }

  /** {@code degraded_performance} as "Degraded performance". */
  static String words(String wire) {
    String spaced = wire.replace('_', ' ');
    return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
  }
}
