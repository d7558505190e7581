package dev.evertone.cli;

import dev.evertone.config.ServerConfig;
import dev.evertone.config.Settings;
import dev.evertone.provisioning.Progress;
import dev.evertone.provisioning.Provisioning;
import dev.evertone.provisioning.ProvisioningService;
import dev.evertone.store.Actor;
import dev.evertone.store.Store;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/** The provisioning operations a command runs on: the local store, or a server's admin API. */
final class Session implements AutoCloseable {
  private final Provisioning provisioning;
  private final @Nullable Store store;

  private Session(Provisioning provisioning, @Nullable Store store) {
    this.provisioning = provisioning;
    this.store = store;
  }

  /**
   * Opens the store, or connects to {@code --server}; long operations report their steps to
   * standard error.
   */
  static Session open(CommandSpec spec, ConfigOptions config, RemoteOptions remote) {
    CliContext ctx = Main.context(spec);
    String server = remote.server(ctx);
    if (server != null) {
      return new Session(new RemoteProvisioning(server, remote.token(ctx)), null);
    }
    ServerConfig cfg = config.load(ctx);
    Store store = Stores.open(ctx, cfg);
    Progress progress =
        step -> {
          spec.commandLine().getErr().println("  " + step);
          spec.commandLine().getErr().flush();
        };
    ProvisioningService service =
        new ProvisioningService(store, Settings.provisioning(cfg), ctx.clock(), actor(ctx))
            .withProgress(progress);
    return new Session(service, store);
  }

  /** Who runs a local command: the operating-system user. */
  static Actor actor(CliContext ctx) {
    String user = ctx.env().getOrDefault("USER", System.getProperty("user.name", "unknown"));
    return Actor.local(user == null || user.isBlank() ? "unknown" : user);
  }

  Provisioning provisioning() {
    return provisioning;
  }

  /** The local store; null when the session is a server's admin API ({@code --server}). */
  @Nullable Store store() {
    return store;
  }

  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
  }
}
