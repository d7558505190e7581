package dev.evertone.cli;

import dev.evertone.provisioning.Provisioning;
import dev.evertone.provisioning.UserInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description =
        "Manage users: the extensions of a domain (e.g. 1001), with a display name. Devices belong to users.",
    subcommands = {
      UserCommand.AddUser.class,
      UserCommand.ListUsers.class,
      UserCommand.SetUser.class,
      UserCommand.RemoveUser.class
    })
final class UserCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user.")
  static final class AddUser extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The user's domain (must exist).")
    String domain;

    @Option(
        names = {"--extension", "-e"},
        required = true,
        paramLabel = "EXT",
        description = "The extension, e.g. 1001.")
    String extension;

    @Option(
        names = "--display-name",
        paramLabel = "NAME",
        description = "A name, e.g. 'Front desk'.")
    String displayName;

    @Override
    int run(Provisioning p, PrintWriter out) {
      UserInfo u = p.addUser(domain, extension, displayName);
      out.println("added user " + u.extension() + "@" + u.domain());
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the users of a domain.")
  static final class ListUsers extends ProvisioningCommand {
    @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    int run(Provisioning p, PrintWriter out) {
      List<UserInfo> users = p.users(domain);
      if (json) {
        printJson(out, users);
      } else if (users.isEmpty()) {
        out.println(
            "no users in "
                + domain
                + "; add one with: evertone user add --domain "
                + domain
                + " --extension 1001");
      } else {
        Table t = new Table("EXTENSION", "DISPLAY NAME", "DEVICES");
        users.forEach(
            u ->
                t.row(
                    u.extension(),
                    u.displayName() == null ? "-" : u.displayName(),
                    Integer.toString(u.devices())));
        t.print(out);
      }
      return 0;
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Change a user's display name.")
  static final class SetUser extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The user's domain.")
    String domain;

    @Option(
        names = {"--extension", "-e"},
        required = true,
        paramLabel = "EXT",
        description = "The extension.")
    String extension;

    @Option(
        names = "--display-name",
        required = true,
        paramLabel = "NAME",
        description = "The new name ('' for none).")
    String displayName;

    @Override
    int run(Provisioning p, PrintWriter out) {
      UserInfo u = p.updateUser(domain, extension, displayName);
      out.println(
          "user "
              + u.extension()
              + "@"
              + u.domain()
              + " is now "
              + (u.displayName() == null ? "without a display name" : "'" + u.displayName() + "'"));
      return 0;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove a user who owns no device.")
  static final class RemoveUser extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The user's domain.")
    String domain;

    @Option(
        names = {"--extension", "-e"},
        required = true,
        paramLabel = "EXT",
        description = "The extension.")
    String extension;

    @Override
    int run(Provisioning p, PrintWriter out) {
      p.removeUser(domain, extension);
      out.println("removed user " + extension + "@" + domain);
      return 0;
    }
  }
}
