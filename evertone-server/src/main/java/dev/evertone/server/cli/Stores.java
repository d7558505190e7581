package dev.evertone.server.cli;

import dev.evertone.server.EvertoneServer;
import dev.evertone.store.Store;
import dev.evertone.store.jdbc.JdbcStore;
import picocli.CommandLine.Model.CommandSpec;

/** Opens the configured store for an administration command. */
final class Stores {
  private Stores() {}

  static Store open(CommandSpec spec, ConfigOptions options) {
    CliContext ctx = Main.context(spec);
    return JdbcStore.open(EvertoneServer.storeConfig(options.load(ctx)), ctx.clock());
  }
}
