package dev.evertone.cli;

import dev.evertone.config.ConfigLoader;
import dev.evertone.config.ServerConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Show or check the configuration.",
    subcommands = {
      ConfigCommand.Show.class,
      ConfigCommand.Defaults.class,
      ConfigCommand.Check.class
    })
final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Print the effective configuration (defaults, file, environment and --set combined).")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      ServerConfig config = options.load(Main.context(spec));
      spec.commandLine().getOut().print(ConfigLoader.describe(config));
      return 0;
    }
  }

  @Command(
      name = "defaults",
      mixinStandardHelpOptions = true,
      description =
          "Print every key with its default and what it does: a starting point for a configuration file.")
  static final class Defaults implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(ConfigLoader.defaultsText());
      return 0;
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Check the configuration: every unknown key and value of the wrong kind at once, then the first value out"
              + " of range or port taken twice.")
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      var config = options.load(Main.context(spec));
      // files the server reads at start are read here too: a bad one is named now, not at start
      var unused = dev.evertone.config.Settings.musicOnHold(config);
      spec.commandLine().getOut().println("configuration is valid");
      return 0;
    }
  }
}
