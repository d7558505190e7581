-- evertone schema, version 7: the status page (Atlassian Statuspage semantics).
--   status_component         what customers see the state of (SIP Registration, Webphone...), optionally in a group
--   status_component_event   every change of a component's status: the 90-day uptime bars are drawn from it
--   status_incident          incidents and scheduled maintenances; monitor names the automatic monitor that opened one
--                            (NULL: declared by a person); tenants lists the domains affected, private to the admin API
--                            and to those tenants' own subscribers
--   status_incident_update   the timeline of an incident: each status change with what was said, seq its order
--   status_incident_component the components an incident affects and the status it gives them
--   status_subscriber        webhook and email subscribers, optionally to some components or one tenant (domain)
--   status_delivery          notifications to subscribers not yet delivered, retried with backoff (an outbox: a restart
--                            loses none)

CREATE TABLE status_component (
  id VARCHAR(64) PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  description VARCHAR(500),
  group_name VARCHAR(100),
  position INTEGER NOT NULL,
  status VARCHAR(32) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE status_component_event (
  id ${id_column},
  component_id VARCHAR(64) NOT NULL,
  status VARCHAR(32) NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX status_component_event_at ON status_component_event (component_id, at);

CREATE TABLE status_incident (
  id VARCHAR(32) PRIMARY KEY,
  kind VARCHAR(16) NOT NULL,
  name VARCHAR(200) NOT NULL,
  status VARCHAR(32) NOT NULL,
  impact VARCHAR(16) NOT NULL,
  monitor VARCHAR(64),
  tenants VARCHAR(4000),
  scheduled_for BIGINT,
  scheduled_until BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  resolved_at BIGINT,
  postmortem TEXT,
  postmortem_published_at BIGINT
);
CREATE INDEX status_incident_created ON status_incident (created_at);

CREATE TABLE status_incident_update (
  id VARCHAR(32) PRIMARY KEY,
  incident_id VARCHAR(32) NOT NULL REFERENCES status_incident (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  status VARCHAR(32) NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX status_incident_update_incident ON status_incident_update (incident_id);

CREATE TABLE status_incident_component (
  incident_id VARCHAR(32) NOT NULL REFERENCES status_incident (id) ON DELETE CASCADE,
  component_id VARCHAR(64) NOT NULL,
  status VARCHAR(32) NOT NULL,
  PRIMARY KEY (incident_id, component_id)
);

CREATE TABLE status_subscriber (
  id VARCHAR(32) PRIMARY KEY,
  kind VARCHAR(16) NOT NULL,
  address VARCHAR(500) NOT NULL,
  secret VARCHAR(200),
  components VARCHAR(2000),
  domain VARCHAR(255),
  token VARCHAR(64) NOT NULL,
  confirmed_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX status_subscriber_token ON status_subscriber (token);

CREATE TABLE status_delivery (
  id ${id_column},
  subscriber_id VARCHAR(32) NOT NULL REFERENCES status_subscriber (id) ON DELETE CASCADE,
  subject VARCHAR(300) NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  delivered_at BIGINT,
  last_error VARCHAR(1000),
  created_at BIGINT NOT NULL
);
CREATE INDEX status_delivery_due ON status_delivery (delivered_at, next_attempt_at);
