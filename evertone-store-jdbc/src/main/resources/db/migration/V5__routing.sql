-- evertone schema, version 5: where calls go beyond the devices of a domain.
--   trunk          SIP trunks to carriers, per domain: address, credentials (encrypted like device secrets),
--                  failover order, how numbers are written, and whether evertone registers to the carrier
--   phone_number   numbers (DIDs, E.164) a carrier delivers, each ringing one extension of a domain
--   forward_rule   per extension: forward always, when not registered, when busy, or after N seconds of
--                  ringing, to another extension or a number
--   dial_plan      per domain: how dialled numbers become E.164 (country code and prefixes)
-- Rows name their domain, like line_key, so that a domain's routing is removed with it.

CREATE TABLE trunk (
  domain VARCHAR(253) NOT NULL,
  name VARCHAR(64) NOT NULL,
  host VARCHAR(253) NOT NULL,
  port INTEGER NOT NULL,
  transport VARCHAR(8) NOT NULL,
  username VARCHAR(128),
  -- AES-256-GCM with the key file, bound to "trunk:<name>" @ domain
  secret VARCHAR(1024),
  priority INTEGER NOT NULL,
  number_format VARCHAR(8) NOT NULL,
  -- seconds between REGISTERs to the carrier; 0: evertone does not register
  register_interval INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (domain, name)
);

CREATE TABLE phone_number (
  number VARCHAR(16) PRIMARY KEY,
  domain VARCHAR(253) NOT NULL,
  extension VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX phone_number_domain ON phone_number (domain, extension);

CREATE TABLE forward_rule (
  domain VARCHAR(253) NOT NULL,
  extension VARCHAR(64) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  target VARCHAR(64) NOT NULL,
  after_seconds INTEGER,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (domain, extension, kind)
);

CREATE TABLE dial_plan (
  domain VARCHAR(253) PRIMARY KEY,
  country_code VARCHAR(3) NOT NULL,
  national_prefix VARCHAR(4) NOT NULL,
  international_prefix VARCHAR(4) NOT NULL,
  updated_at BIGINT NOT NULL
);
