package dev.evertone.cli;

import dev.evertone.provisioning.DeviceCreated;
import dev.evertone.provisioning.NewLine;
import dev.evertone.provisioning.Provisioning;
import java.io.IOException;
import java.io.PrintWriter;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "line",
    mixinStandardHelpOptions = true,
    description =
        "Add lines to a device or remove them. Each line is one SIP account: sip:AUTH_USER@DOMAIN with its own password.",
    subcommands = {LineCommand.AddLine.class, LineCommand.RemoveLine.class})
final class LineCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The device a new line goes on. */
  static final class Target {
    @Option(
        names = "--device",
        paramLabel = "ID",
        description = "The device's id (see 'device list').")
    @Nullable Long id;

    @Option(names = "--mac", paramLabel = "MAC", description = "The device's MAC address.")
    @Nullable String mac;
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Add a line to a device. Without --password or --password-stdin a strong password is generated and shown once.")
  static final class AddLine extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The device's domain.")
    String domain;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target device;

    @Option(
        names = {"--user", "-u"},
        required = true,
        paramLabel = "AUTH_USER",
        description = "The new line's SIP user name.")
    String user;

    @Option(
        names = "--line",
        paramLabel = "N",
        description = "Its position on the device (default: the first free one).")
    @Nullable Integer line;

    @ArgGroup(exclusive = true)
    DeviceCommand.@Nullable PasswordSource passwordSource;

    @Override
    int run(Provisioning p, PrintWriter out) throws IOException {
      DeviceCommand.DeviceSelector selector = new DeviceCommand.DeviceSelector();
      selector.id = device.id;
      selector.mac = device.mac;
      long id = selector.resolve(p, domain);
      DeviceCreated d =
          p.addLine(
              domain,
              id,
              new NewLine(line, user, DeviceCommand.password(passwordSource, context())));
      int n =
          d.device().lines().stream()
              .filter(l -> l.authUser().equals(user))
              .findFirst()
              .orElseThrow()
              .line();
      out.println(
          "added line "
              + n
              + " ("
              + user
              + "@"
              + d.device().domain()
              + ") to device "
              + d.device().id());
      DeviceCommand.showGenerated(out, d.generatedSecrets());
      return 0;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description =
          "Remove a line; it can no longer register. A device's only line cannot be removed: remove the device.")
  static final class RemoveLine extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The line's domain.")
    String domain;

    @Option(
        names = {"--user", "-u"},
        required = true,
        paramLabel = "AUTH_USER",
        description = "The line's auth user.")
    String user;

    @Override
    int run(Provisioning p, PrintWriter out) {
      p.removeLine(domain, user);
      out.println("removed line " + user + "@" + domain);
      return 0;
    }
  }
}
