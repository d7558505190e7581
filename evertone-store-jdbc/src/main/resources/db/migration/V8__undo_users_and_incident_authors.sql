-- evertone schema, version 8.
--   users.created_change            the change that created the user (null for users older than this
--                                   version): undoing an import removes the users it created once they
--                                   own no device, so that they do not block removing the domain
--   status_incident.declared_by     who declared an incident by hand (token:NAME, cli:USER); null for a
--                                   monitor's incident and for those older than this version

ALTER TABLE users ADD COLUMN created_change BIGINT;
ALTER TABLE status_incident ADD COLUMN declared_by VARCHAR(128);
