package dev.evertone.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.evertone.status.IncidentChange;
import dev.evertone.status.NewIncident;
import dev.evertone.status.NewMaintenance;
import dev.evertone.status.StatusService;
import dev.evertone.store.Actor;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code evertone incident} does: on the local store, or on a server through the admin API.
 */
interface StatusOperations {
  List<Component> components();

  List<Incident> incidents(IncidentKind kind, boolean open, int limit);

  Incident incident(String id);

  Incident declare(NewIncident incident);

  Incident update(String id, IncidentChange change);

  Incident postmortem(String id, String body);

  Incident schedule(NewMaintenance maintenance);

  /** On this machine's store. */
  record Local(StatusService service, Actor actor) implements StatusOperations {
    @Override
    public List<Component> components() {
      return service.components();
    }

    @Override
    public List<Incident> incidents(IncidentKind kind, boolean open, int limit) {
      return service.incidents(kind, open, limit);
    }

    @Override
    public Incident incident(String id) {
      return service.incident(id);
    }

    @Override
    public Incident declare(NewIncident incident) {
      return service.declare(incident, actor);
    }

    @Override
    public Incident update(String id, IncidentChange change) {
      return service.update(id, change, actor);
    }

    @Override
    public Incident postmortem(String id, String body) {
      return service.publishPostmortem(id, body, actor);
    }

    @Override
    public Incident schedule(NewMaintenance maintenance) {
      return service.scheduleMaintenance(maintenance, actor);
    }
  }

  /** On a server, through the admin API (the same rules, checked there). */
  record Remote(RemoteProvisioning api) implements StatusOperations {
    private static final String BASE = "/status";

    @Override
    public List<Component> components() {
      return api.call("GET", BASE + "/components", null, new TypeReference<List<Component>>() {});
    }

    @Override
    public List<Incident> incidents(IncidentKind kind, boolean open, int limit) {
      return api.call(
          "GET",
          BASE + "/incidents?kind=" + kind.wire() + "&open=" + open + "&limit=" + limit,
          null,
          new TypeReference<List<Incident>>() {});
    }

    @Override
    public Incident incident(String id) {
      return api.call(
          "GET", BASE + "/incidents/" + RemoteProvisioning.enc(id), null, Incident.class);
    }

    @Override
    public Incident declare(NewIncident n) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", n.name());
      body.put("status", n.status() == null ? null : n.status().wire());
      body.put("impact", n.impact().wire());
      body.put("body", n.body());
      body.put("components", wire(n.components()));
      return api.call("POST", BASE + "/incidents", body, Incident.class);
    }

    @Override
    public Incident update(String id, IncidentChange c) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", c.status().wire());
      body.put("body", c.body());
      body.put("impact", c.impact() == null ? null : c.impact().wire());
      body.put("components", c.components() == null ? null : wire(c.components()));
      return api.call(
          "POST",
          BASE + "/incidents/" + RemoteProvisioning.enc(id) + "/updates",
          body,
          Incident.class);
    }

    @Override
    public Incident postmortem(String id, String text) {
      return api.call(
          "PUT",
          BASE + "/incidents/" + RemoteProvisioning.enc(id) + "/postmortem",
          Map.of("body", text),
          Incident.class);
    }

    @Override
    public Incident schedule(NewMaintenance m) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", m.name());
      body.put("body", m.body());
      body.put("scheduled_for", m.scheduledFor().toString());
      body.put("scheduled_until", m.scheduledUntil().toString());
      body.put("components", m.components());
      return api.call("POST", BASE + "/maintenances", body, Incident.class);
    }

    private static Map<String, String> wire(Map<String, ComponentStatus> components) {
      Map<String, String> out = new LinkedHashMap<>();
      components.forEach((k, v) -> out.put(k, v.wire()));
      return out;
    }
  }
}
