-- evertone schema, version 4: registrations (bindings) written behind the location service, so that a
-- restarted server knows every device that registered before it stopped (UDP devices are reachable at
-- once; TCP, TLS and WebSocket ones as soon as they reconnect). Rows of one address-of-record are replaced
-- together; an AOR may hold the same contact twice (RFC 5626 flows), hence no primary key.

CREATE TABLE binding (
  aor TEXT NOT NULL,
  contact TEXT NOT NULL,
  contact_params TEXT,
  q INTEGER NOT NULL,
  call_id TEXT NOT NULL,
  cseq BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  registered_at BIGINT NOT NULL,
  transport VARCHAR(8) NOT NULL,
  source_ip VARCHAR(64) NOT NULL,
  source_port INTEGER NOT NULL,
  user_agent TEXT,
  instance_id TEXT,
  reg_id INTEGER NOT NULL,
  path TEXT
);

CREATE INDEX binding_aor ON binding (aor);
CREATE INDEX binding_expires ON binding (expires_at);
