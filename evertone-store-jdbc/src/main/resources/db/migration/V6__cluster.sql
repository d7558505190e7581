-- evertone schema, version 6: several nodes on one database.
--   binding.node   the node a binding registered on (its connection, its NAT mapping); '' for a single node
--   cluster_node   each node's SIP address and when it last said it was alive; a node that stops saying so is
--                  down, and the others reach its UDP devices directly

ALTER TABLE binding ADD COLUMN node VARCHAR(64) NOT NULL DEFAULT '';

CREATE TABLE cluster_node (
  id VARCHAR(64) PRIMARY KEY,
  sip_host VARCHAR(64) NOT NULL,
  sip_port INTEGER NOT NULL,
  last_seen BIGINT NOT NULL
);
