package dev.evertone.server.cli;

import dev.evertone.server.EvertoneServer;
import dev.evertone.server.config.ServerConfig;
import dev.evertone.store.Store;
import dev.evertone.store.jdbc.JdbcStore;

/** Opens the configured store for an administration command. */
final class Stores {
  private Stores() {}

  static Store open(CliContext ctx, ServerConfig config) {
    return JdbcStore.open(EvertoneServer.storeConfig(config), ctx.clock());
  }
}
