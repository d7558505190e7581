package dev.evertone.cli;

import dev.evertone.provisioning.Provisioning;
import dev.evertone.store.routing.DialPlan;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "dialplan",
    mixinStandardHelpOptions = true,
    description = {
      "Manage how a domain's dialled numbers become E.164 (+ country code and number) before they go to a trunk. "
          + "Without a dial plan only numbers dialled with + reach the trunks."
    },
    subcommands = {DialPlanCommand.SetPlan.class, DialPlanCommand.ShowPlan.class})
final class DialPlanCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Set a domain's dial plan.",
      footer = {
        "",
        "Examples:",
        "  evertone dialplan set example.de --country-code 49      (030 123456 -> +4930123456, 0044... -> +44...)",
        "  evertone dialplan set example.com --country-code 1 --national-prefix 1 --international-prefix 011"
      })
  static final class SetPlan extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Option(
        names = "--country-code",
        required = true,
        paramLabel = "CC",
        description = "e.g. 49 for Germany, 1 for North America.")
    String countryCode;

    @Option(
        names = "--national-prefix",
        paramLabel = "DIGITS",
        description = "Dialled before a national number (default: 0).")
    String nationalPrefix = "0";

    @Option(
        names = "--international-prefix",
        paramLabel = "DIGITS",
        description = "Dialled before a country code (default: 00).")
    String internationalPrefix = "00";

    @Override
    int run(Provisioning p, PrintWriter out) {
      out.println(
          describe(p.setDialPlan(domain, countryCode, nationalPrefix, internationalPrefix)));
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a domain's dial plan.")
  static final class ShowPlan extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Override
    int run(Provisioning p, PrintWriter out) {
      out.println(describe(p.dialPlan(domain)));
      return 0;
    }
  }

  private static String describe(DialPlan p) {
    return p.domain()
        + ": country code "
        + p.countryCode()
        + ", national prefix '"
        + p.nationalPrefix()
        + "', international prefix '"
        + p.internationalPrefix()
        + "'";
  }
}
