package dev.evertone.cli;

import dev.evertone.provisioning.ForwardInfo;
import dev.evertone.provisioning.Provisioning;
import java.io.PrintWriter;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "forward",
    mixinStandardHelpOptions = true,
    description = {
      "Manage where an extension's calls go instead of, or after, its devices: always, when no device is registered, "
          + "when busy, or when nobody answers within N seconds (find-me: the desk phone first, then the cell phone). The target is "
          + "another extension or a number, dialled through the domain's trunks."
    },
    subcommands = {
      ForwardCommand.SetForward.class,
      ForwardCommand.ListForward.class,
      ForwardCommand.RemoveForward.class
    })
final class ForwardCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Set one rule of an extension (one per kind).",
      footer = {
        "",
        "Examples:",
        "  evertone forward set example.com 1001 no-answer +4917612345678 --after 20",
        "  evertone forward set example.com 1001 unregistered 1002"
      })
  static final class SetForward extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Parameters(
        index = "1",
        paramLabel = "EXT",
        description = "The extension whose calls are forwarded.")
    String extension;

    @Parameters(
        index = "2",
        paramLabel = "KIND",
        description = "always, unregistered, busy or no-answer.")
    String kind;

    @Parameters(
        index = "3",
        paramLabel = "TARGET",
        description = "An extension, or a number (as dialled, or E.164).")
    String target;

    @Option(
        names = "--after",
        paramLabel = "SECONDS",
        description = "For no-answer: how long the devices ring first (5-300).")
    Integer after;

    @Override
    int run(Provisioning p, PrintWriter out) {
      ForwardInfo f = p.setForwarding(domain, extension, kind, target, after);
      out.println(f.extension() + "@" + f.domain() + ": " + describe(f));
      return 0;
    }
  }

  static String describe(ForwardInfo f) {
    return switch (f.kind()) {
      case "always" -> "every call goes to " + f.target();
      case "unregistered" -> "when no device is registered, calls go to " + f.target();
      case "busy" -> "when busy, calls go to " + f.target();
      default -> "unanswered after " + f.afterSeconds() + " s, calls go to " + f.target();
    };
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the rules of an extension, or of every extension of the domain.")
  static final class ListForward extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "EXT",
        description = "The extension (default: every extension of the domain).")
    @Nullable String extension;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    int run(Provisioning p, PrintWriter out) {
      List<ForwardInfo> rules = p.forwarding(domain, extension);
      if (json) {
        printJson(out, rules);
      } else if (rules.isEmpty()) {
        out.println(
            (extension == null
                    ? "no extension of " + domain + " has forwarding"
                    : extension + "@" + domain + " has no forwarding")
                + ": its devices ring, 480 when none is registered");
      } else if (extension == null) {
        rules.forEach(f -> out.println(f.extension() + " " + f.kind() + ": " + describe(f)));
      } else {
        rules.forEach(f -> out.println(f.kind() + ": " + describe(f)));
      }
      return 0;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove one rule of an extension.")
  static final class RemoveForward extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Parameters(index = "1", paramLabel = "EXT", description = "The extension.")
    String extension;

    @Parameters(
        index = "2",
        paramLabel = "KIND",
        description = "always, unregistered, busy or no-answer.")
    String kind;

    @Override
    int run(Provisioning p, PrintWriter out) {
      p.removeForwarding(domain, extension, kind);
      out.println("removed the " + kind + " forwarding of " + extension + "@" + domain);
      return 0;
    }
  }
}
