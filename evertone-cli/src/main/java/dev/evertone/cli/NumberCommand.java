package dev.evertone.cli;

import dev.evertone.provisioning.Provisioning;
import dev.evertone.store.routing.PhoneNumber;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "number",
    mixinStandardHelpOptions = true,
    description = {
      "Manage a domain's phone numbers (DIDs): a call from one of its trunks to a number rings the number's extension, "
          + "and the extension's calls out show it to the carrier as the caller's number."
    },
    subcommands = {
      NumberCommand.SetNumber.class,
      NumberCommand.ListNumbers.class,
      NumberCommand.RemoveNumber.class
    })
final class NumberCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Add a number, or point it to another extension.",
      footer = {"", "Example:", "  evertone number set example.com +4930123456 --extension 1001"})
  static final class SetNumber extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Parameters(
        index = "1",
        paramLabel = "NUMBER",
        description = "The number in E.164: + country code and number.")
    String number;

    @Option(
        names = {"--extension", "-e"},
        required = true,
        paramLabel = "EXT",
        description = "The extension it rings.")
    String extension;

    @Override
    int run(Provisioning p, PrintWriter out) {
      PhoneNumber n = p.putNumber(domain, number, extension);
      out.println(n.number() + " rings " + n.extension() + "@" + n.domain());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List a domain's numbers.")
  static final class ListNumbers extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    int run(Provisioning p, PrintWriter out) {
      List<PhoneNumber> numbers = p.numbers(domain);
      if (json) {
        printJson(out, numbers);
      } else if (numbers.isEmpty()) {
        out.println(
            "no numbers in "
                + domain
                + "; add one with: evertone number set "
                + domain
                + " +4930123456 --extension 1001");
      } else {
        Table t = new Table("NUMBER", "EXTENSION");
        numbers.forEach(n -> t.row(n.number(), n.extension()));
        t.print(out);
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a number.")
  static final class RemoveNumber extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Parameters(index = "1", paramLabel = "NUMBER", description = "The number in E.164.")
    String number;

    @Override
    int run(Provisioning p, PrintWriter out) {
      p.removeNumber(domain, number);
      out.println("removed " + number + " from " + domain);
      return 0;
    }
  }
}
