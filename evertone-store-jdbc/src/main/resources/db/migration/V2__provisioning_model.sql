-- evertone schema, version 2: the provisioning model.
--   users               the extensions of a domain (tenant), with a display name
--   device              a phone, softphone or door phone: MAC, model, description, owner user
--   line_key            every line there ever was (auth user @ domain), so that history outlives lines;
--                       remembers where a deleted line was, so that a restore can put it back
--   device_line         the lines that exist: a device's line number and the credential version in use
--   credential_version  every secret ever set, encrypted, never changed
--   credential_event    every change of a line's credential: created, changed, restored, deleted
--   change_batch        every applied change: when, who, from where, and its import/restore batch
--   audit_event         who changed what, when, from where, in which batch
--   admin_token         API tokens, stored hashed
-- Ids of users, device, line_key (= device_line), credential_version, credential_event and change_batch
-- come from id_allocator (allocated in blocks by the writer), so that a bulk change can write rows that
-- refer to each other, set-based, without reading generated keys back.
-- References between these tables are kept by the writer (the one path every change takes, which holds
-- the id allocator's lock, so changes never interleave) rather than by FOREIGN KEY constraints:
-- PostgreSQL checks a foreign key row by row, which made a bulk import three times slower.
-- Version 1 devices (one SIP account each) become a user, a device and its line 1 with the same id,
-- keeping their encrypted password (bound to user@domain, which does not change).

CREATE TABLE users (
  id BIGINT PRIMARY KEY,
  revision BIGINT NOT NULL,
  domain_id BIGINT NOT NULL,
  extension VARCHAR(64) NOT NULL,
  display_name VARCHAR(128),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT users_extension_unique UNIQUE (domain_id, extension)
);

ALTER TABLE device RENAME TO device_v1;

CREATE TABLE device (
  id BIGINT PRIMARY KEY,
  revision BIGINT NOT NULL,
  domain_id BIGINT NOT NULL,
  -- 12 lower-case hex digits, or null for a device without hardware address (softphone)
  mac VARCHAR(12),
  model VARCHAR(64),
  description VARCHAR(255),
  user_id BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT device_mac_unique UNIQUE (mac)
);
CREATE INDEX device_domain ON device (domain_id);
CREATE INDEX device_user ON device (user_id);

CREATE TABLE line_key (
  id BIGINT PRIMARY KEY,
  domain VARCHAR(253) NOT NULL,
  auth_user VARCHAR(64) NOT NULL,
  -- where the line was when it was last deleted (null while it exists), and by which change
  deleted_change BIGINT,
  mac VARCHAR(12),
  model VARCHAR(64),
  description VARCHAR(255),
  extension VARCHAR(64),
  display_name VARCHAR(128),
  line_no INTEGER,
  CONSTRAINT line_key_unique UNIQUE (domain, auth_user)
);

-- Narrow on purpose, with room left in each page (PostgreSQL fillfactor): a restore of a million lines
-- rewrites version_id in place (heap-only updates, no index touched).
CREATE TABLE device_line (
  id BIGINT PRIMARY KEY,
  revision BIGINT NOT NULL,
  device_id BIGINT NOT NULL,
  line_no INTEGER NOT NULL,
  domain_id BIGINT NOT NULL,
  auth_user VARCHAR(64) NOT NULL,
  -- the secret in use, and the one it replaced (a grace window may still accept it)
  version_id BIGINT NOT NULL,
  previous_version_id BIGINT,
  -- the change that set version_id, and when
  change_no BIGINT NOT NULL,
  changed_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT line_auth_user_unique UNIQUE (domain_id, auth_user),
  CONSTRAINT line_slot_unique UNIQUE (device_id, line_no)
) ${line_table_options};

CREATE TABLE credential_version (
  id BIGINT PRIMARY KEY,
  line_id BIGINT NOT NULL,
  -- AES-256-GCM with the key file, bound to auth_user@domain (never stored in clear)
  secret VARCHAR(1024) NOT NULL,
  -- keyed HMAC of the secret (see SecretCipher): compares secrets without decrypting them; null until
  -- the store fills it in after this migration
  secret_hash VARCHAR(64),
  change_no BIGINT NOT NULL
);

-- kind: c created, u changed, r restored, d deleted. version_id is the secret from then on (null after a
-- deletion), previous_version_id the one it replaced. Append-only, and read only by ranges of changes or
-- in bulk: no primary key index, and on PostgreSQL a BRIN index (change_no grows with the table), so that
-- writing a million events costs little more than the rows themselves. Ids are unique by allocation.
CREATE TABLE credential_event (
  id BIGINT NOT NULL,
  line_id BIGINT NOT NULL,
  change_no BIGINT NOT NULL,
  kind CHAR(1) NOT NULL,
  version_id BIGINT,
  previous_version_id BIGINT
);
CREATE INDEX credential_event_change ON credential_event ${range_index} (change_no);

CREATE TABLE change_batch (
  id BIGINT PRIMARY KEY,
  batch_id VARCHAR(40),
  at BIGINT NOT NULL,
  actor VARCHAR(128) NOT NULL,
  source VARCHAR(128) NOT NULL
);
CREATE INDEX change_batch_batch ON change_batch (batch_id);
CREATE INDEX change_batch_at ON change_batch (at);

CREATE TABLE audit_event (
  id ${id_column},
  at BIGINT NOT NULL,
  actor VARCHAR(128) NOT NULL,
  source VARCHAR(128) NOT NULL,
  action VARCHAR(64) NOT NULL,
  target VARCHAR(512),
  detail VARCHAR(4000),
  batch_id VARCHAR(40)
);
CREATE INDEX audit_event_at ON audit_event (at);
CREATE INDEX audit_event_batch ON audit_event (batch_id);

CREATE TABLE admin_token (
  id ${id_column},
  name VARCHAR(64) NOT NULL,
  -- SHA-256 of the token, hex; the token itself is shown once when created and never stored
  token_hash VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  created_by VARCHAR(128) NOT NULL,
  last_used_at BIGINT,
  CONSTRAINT admin_token_name_unique UNIQUE (name),
  CONSTRAINT admin_token_hash_unique UNIQUE (token_hash)
);

CREATE TABLE id_allocator (
  name VARCHAR(32) PRIMARY KEY,
  next_id BIGINT NOT NULL
);

-- version 1 devices -> users, devices and lines, keeping ids; their creation is change 1
INSERT INTO change_batch (id, batch_id, at, actor, source) VALUES (1, NULL, 0, 'migration', 'evertone 0.1 schema');
INSERT INTO users (id, revision, domain_id, extension, display_name, created_at, updated_at)
  SELECT id, 1, domain_id, username, display_name, created_at, updated_at FROM device_v1;
INSERT INTO device (id, revision, domain_id, user_id, created_at, updated_at)
  SELECT id, 1, domain_id, id, created_at, updated_at FROM device_v1;
INSERT INTO line_key (id, domain, auth_user)
  SELECT o.id, m.name, o.username FROM device_v1 o JOIN domain m ON m.id = o.domain_id;
INSERT INTO credential_version (id, line_id, secret, change_no) SELECT id, id, secret, 1 FROM device_v1;
INSERT INTO credential_event (id, line_id, change_no, kind, version_id) SELECT id, id, 1, 'c', id FROM device_v1;
INSERT INTO device_line (id, revision, device_id, line_no, domain_id, auth_user, version_id, change_no, changed_at, created_at, updated_at)
  SELECT id, 1, id, 1, domain_id, username, id, 1, updated_at, created_at, updated_at FROM device_v1;
INSERT INTO id_allocator (name, next_id) SELECT 'users', COALESCE(MAX(id), 0) + 1 FROM device_v1;
INSERT INTO id_allocator (name, next_id) SELECT 'device', COALESCE(MAX(id), 0) + 1 FROM device_v1;
INSERT INTO id_allocator (name, next_id) SELECT 'line_key', COALESCE(MAX(id), 0) + 1 FROM device_v1;
INSERT INTO id_allocator (name, next_id) SELECT 'credential_version', COALESCE(MAX(id), 0) + 1 FROM device_v1;
INSERT INTO id_allocator (name, next_id) SELECT 'credential_event', COALESCE(MAX(id), 0) + 1 FROM device_v1;
INSERT INTO id_allocator (name, next_id) VALUES ('change_batch', 2);

DROP TABLE device_v1;
