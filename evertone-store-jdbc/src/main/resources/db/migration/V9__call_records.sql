-- evertone schema, version 9: call records (CDRs), one row per call through evertone, written when it
-- ends. Times are epoch milliseconds; answered_at is NULL for a call never answered, trunk for a call
-- between devices, the quality columns for a call whose media was not anchored (caller_*: what the
-- caller sent to the relay, callee_*: what the callee sent).

CREATE TABLE call_record (
  id ${id_column},
  call_id VARCHAR(256) NOT NULL,
  domain VARCHAR(253) NOT NULL,
  caller VARCHAR(512) NOT NULL,
  callee VARCHAR(512) NOT NULL,
  trunk VARCHAR(100),
  direction VARCHAR(16) NOT NULL,
  setup_at BIGINT NOT NULL,
  answered_at BIGINT,
  ended_at BIGINT NOT NULL,
  status INTEGER NOT NULL,
  ended_by VARCHAR(16) NOT NULL,
  caller_packets BIGINT,
  callee_packets BIGINT,
  caller_lost BIGINT,
  callee_lost BIGINT,
  caller_jitter_ms DOUBLE PRECISION,
  callee_jitter_ms DOUBLE PRECISION,
  mos DOUBLE PRECISION
);
CREATE INDEX call_record_setup ON call_record (setup_at);
CREATE INDEX call_record_domain_setup ON call_record (domain, setup_at);
