package dev.evertone.cli;

import dev.evertone.config.ConfigLoader;
import dev.evertone.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that reads the configuration accepts. */
public final class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Configuration file (YAML). Default: $EVERTONE_CONFIG if set; else built-in defaults.")
  Path file;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one configuration key, e.g. --set sip.udp-port=5070 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = {"-d", "--data-dir"},
      paramLabel = "DIR",
      description = "Directory of the embedded database and key file (same as --set data-dir=DIR).")
  Path dataDir;

  public ServerConfig load(CliContext ctx) {
    Path f = file;
    if (f == null && ctx.env().get("EVERTONE_CONFIG") != null) {
      f = Path.of(ctx.env().get("EVERTONE_CONFIG"));
    }
    List<String> all = new ArrayList<>(overrides);
    if (dataDir != null) {
      all.add("data-dir=" + dataDir);
    }
    return ConfigLoader.load(f, ctx.env(), all);
  }
}
