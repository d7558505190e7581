-- evertone schema, version 1: SIP domains, devices (one SIP account each) and the change log that
-- tells running servers which cached credentials to reload.
-- Portable SQL: ${id_column} is the only vendor-specific part (an auto-increment primary key);
-- times are epoch milliseconds.

CREATE TABLE domain (
  id ${id_column},
  name VARCHAR(253) NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT domain_name_unique UNIQUE (name)
);

CREATE TABLE device (
  id ${id_column},
  domain_id BIGINT NOT NULL REFERENCES domain (id),
  username VARCHAR(64) NOT NULL,
  display_name VARCHAR(128),
  -- the SIP password, AES-256-GCM encrypted with the key file (never stored in clear)
  secret VARCHAR(1024) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT device_user_unique UNIQUE (domain_id, username)
);

CREATE TABLE change_log (
  seq ${id_column},
  entity VARCHAR(16) NOT NULL,
  domain VARCHAR(253) NOT NULL,
  username VARCHAR(64),
  changed_at BIGINT NOT NULL
);
