package dev.evertone.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import dev.evertone.store.status.IncidentUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The shapes of Statuspage's public API v2 ({@code /api/v2/summary.json} and the rest), so that
 * dashboards and bots written for Statuspage read evertone's page unchanged. Component groups
 * appear as Statuspage has them: a component with {@code group: true} listing its members' ids,
 * each member naming its {@code group_id}. Tenants are never in it.
 */
public final class StatuspageJson {
  /** snake_case, ISO-8601 times, nulls written (Statuspage writes them). */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  public record Page(String id, String name, String url, String timeZone, Instant updatedAt) {}

  /** The page's overall state: indicator none, minor, major, critical or maintenance. */
  public record PageStatus(String indicator, String description) {}

  public record ComponentJson(
      String id,
      String name,
      String status,
      Instant createdAt,
      Instant updatedAt,
      int position,
      @Nullable String description,
      boolean showcase,
      @Nullable String startDate,
      @Nullable String groupId,
      String pageId,
      boolean group,
      boolean onlyShowIfDegraded,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<String> components) {}

  public record UpdateJson(
      String id,
      String status,
      String body,
      String incidentId,
      Instant createdAt,
      Instant updatedAt,
      Instant displayAt,
      @Nullable List<Object> affectedComponents,
      boolean deliverNotifications) {}

  public record IncidentJson(
      String id,
      String name,
      String status,
      Instant createdAt,
      Instant updatedAt,
      @Nullable Instant monitoringAt,
      @Nullable Instant resolvedAt,
      String impact,
      String shortlink,
      Instant startedAt,
      String pageId,
      List<UpdateJson> incidentUpdates,
      List<ComponentJson> components,
      @JsonInclude(JsonInclude.Include.NON_ABSENT) @Nullable Instant scheduledFor,
      @JsonInclude(JsonInclude.Include.NON_ABSENT) @Nullable Instant scheduledUntil,
      @Nullable String postmortemBody,
      @Nullable Instant postmortemPublishedAt) {}

  public record Summary(
      Page page,
      List<ComponentJson> components,
      List<IncidentJson> incidents,
      List<IncidentJson> scheduledMaintenances,
      PageStatus status) {}

  public record StatusOnly(Page page, PageStatus status) {}

  public record Components(Page page, List<ComponentJson> components) {}

  public record Incidents(Page page, List<IncidentJson> incidents) {}

  public record Maintenances(Page page, List<IncidentJson> scheduledMaintenances) {}

  private final StatusConfig config;

  public StatuspageJson(StatusConfig config) {
    this.config = config;
  }

  public Page page(Instant updatedAt) {
    return new Page(pageId(), config.pageName(), config.publicUrl(), "Etc/UTC", updatedAt);
  }

  static String pageId() {
    return "evertone";
  }

  /** Components and their groups, in page order. */
  public List<ComponentJson> components(List<Component> components) {
    Map<String, List<Component>> groups = new LinkedHashMap<>();
    for (Component c : components) {
      if (c.group() != null) {
        groups.computeIfAbsent(c.group(), g -> new ArrayList<>()).add(c);
      }
    }
    List<ComponentJson> out = new ArrayList<>();
    for (Component c : components) {
      out.add(component(c));
    }
    for (Map.Entry<String, List<Component>> g : groups.entrySet()) {
      List<Component> members = g.getValue();
      ComponentStatus worst = ComponentStatus.OPERATIONAL;
      Instant created = members.get(0).createdAt();
      Instant updated = members.get(0).updatedAt();
      for (Component m : members) {
        worst = worst.worse(m.status());
        created = m.createdAt().isBefore(created) ? m.createdAt() : created;
        updated = m.updatedAt().isAfter(updated) ? m.updatedAt() : updated;
      }
      out.add(
          new ComponentJson(
              groupId(g.getKey()),
              g.getKey(),
              worst.wire(),
              created,
              updated,
              members.get(0).position(),
              null,
              false,
              null,
              null,
              pageId(),
              true,
              false,
              members.stream().map(Component::id).toList()));
    }
    return out;
  }

  private static ComponentJson component(Component c) {
    return new ComponentJson(
        c.id(),
        c.name(),
        c.status().wire(),
        c.createdAt(),
        c.updatedAt(),
        c.position(),
        c.description(),
        true,
        c.createdAt().toString().substring(0, 10),
        c.group() == null ? null : groupId(c.group()),
        pageId(),
        false,
        false,
        null);
  }

  static String groupId(String group) {
    return "group-"
        + group.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  public IncidentJson incident(Incident i, List<Component> all) {
    List<UpdateJson> updates = new ArrayList<>();
    Instant monitoringAt = null;
    for (IncidentUpdate u : i.updates()) {
      updates.add(
          new UpdateJson(
              u.id(),
              u.status().wire(),
              u.body(),
              i.id(),
              u.createdAt(),
              u.createdAt(),
              u.createdAt(),
              null,
              true));
      if (u.status() == IncidentStatus.MONITORING) {
        monitoringAt =
            u.createdAt(); // the updates are newest first: the first time it was monitored wins
      }
    }
    List<ComponentJson> components = new ArrayList<>();
    for (Component c : all) {
      if (i.components().containsKey(c.id())) {
        components.add(component(c));
      }
    }
    boolean maintenance = i.kind() == IncidentKind.MAINTENANCE;
    return new IncidentJson(
        i.id(),
        i.name(),
        i.status().wire(),
        i.createdAt(),
        i.updatedAt(),
        monitoringAt,
        i.resolvedAt(),
        i.impact().wire(),
        config.publicUrl() + "/incidents/" + i.id(),
        i.createdAt(),
        pageId(),
        updates,
        components,
        maintenance ? i.scheduledFor() : null,
        maintenance ? i.scheduledUntil() : null,
        i.postmortemPublishedAt() == null ? null : i.postmortem(),
        i.postmortemPublishedAt());
  }

  public List<IncidentJson> incidents(List<Incident> incidents, List<Component> all) {
    return incidents.stream().map(i -> incident(i, all)).toList();
  }

  /**
   * The page's overall state: the worse of its components' statuses and its open incidents'
   * impacts, in Statuspage's words.
   */
  public static PageStatus status(List<Component> components, List<Incident> openIncidents) {
    int level = 0; // none, minor, major, critical
    boolean maintenance = false;
    for (Component c : components) {
      switch (c.status()) {
        case DEGRADED_PERFORMANCE -> level = Math.max(level, 1);
        case PARTIAL_OUTAGE -> level = Math.max(level, 2);
        case MAJOR_OUTAGE -> level = Math.max(level, 3);
        case UNDER_MAINTENANCE -> maintenance = true;
        default -> {}
      }
    }
    for (Incident i : openIncidents) {
      if (i.kind() == IncidentKind.INCIDENT && !i.status().closed()) {
        level =
            Math.max(
                level,
                switch (i.impact()) {
                  case MINOR -> 1;
                  case MAJOR -> 2;
                  case CRITICAL -> 3;
                  default -> 0;
                });
      }
    }
    return switch (level) {
      case 1 -> new PageStatus(Impact.MINOR.wire(), "Minor Service Outage");
      case 2 -> new PageStatus(Impact.MAJOR.wire(), "Partial System Outage");
      case 3 -> new PageStatus(Impact.CRITICAL.wire(), "Major System Outage");
      default ->
          maintenance
              ? new PageStatus(Impact.MAINTENANCE.wire(), "Service Under Maintenance")
              : new PageStatus(Impact.NONE.wire(), "All Systems Operational");
    };
  }
}
