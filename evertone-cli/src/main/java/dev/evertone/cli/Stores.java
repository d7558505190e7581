package dev.evertone.cli;

import dev.evertone.config.ServerConfig;
import dev.evertone.config.Settings;
import dev.evertone.store.Store;
import dev.evertone.store.jdbc.JdbcStore;

/** Opens the configured store for an administration command. */
final class Stores {
  private Stores() {}

  static Store open(CliContext ctx, ServerConfig config) {
    return JdbcStore.open(Settings.store(config), ctx.clock());
  }
}
