package dev.evertone.cli;

import dev.evertone.provisioning.DomainInfo;
import dev.evertone.provisioning.Provisioning;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "domain",
    mixinStandardHelpOptions = true,
    description = {
      "Manage SIP domains (tenants). A domain is the host part of its lines' addresses (1001@example.com) and their digest realm.",
      "Every provisioning command works on the local store, or on a running server with --server URL (token in $EVERTONE_TOKEN)."
    },
    subcommands = {
      DomainCommand.AddDomain.class,
      DomainCommand.ListDomains.class,
      DomainCommand.RemoveDomain.class
    })
final class DomainCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a domain.")
  static final class AddDomain extends ProvisioningCommand {
    @Parameters(
        paramLabel = "DOMAIN",
        description = "Domain name, e.g. example.com (stored in lower case).")
    String name;

    @Override
    int run(Provisioning p, PrintWriter out) {
      out.println("added domain " + p.addDomain(name).name());
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List domains with their users, devices and lines.")
  static final class ListDomains extends ProvisioningCommand {
    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    int run(Provisioning p, PrintWriter out) {
      List<DomainInfo> domains = p.domains();
      if (json) {
        printJson(out, domains);
        return 0;
      }
      if (domains.isEmpty()) {
        out.println("no domains yet; add one with: evertone domain add example.com");
        return 0;
      }
      Table t = new Table("DOMAIN", "USERS", "DEVICES", "LINES", "CREATED");
      for (DomainInfo d : domains) {
        t.row(
            d.name(),
            Integer.toString(d.users()),
            Integer.toString(d.devices()),
            Integer.toString(d.lines()),
            d.createdAt().toString());
      }
      t.print(out);
      return 0;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description =
          "Remove a domain. One with users or devices only with --with-devices; their credentials stay in the history.")
  static final class RemoveDomain extends ProvisioningCommand {
    @Parameters(paramLabel = "DOMAIN", description = "Domain to remove.")
    String name;

    @Option(names = "--with-devices", description = "Also remove its users, devices and lines.")
    boolean withDevices;

    @Override
    int run(Provisioning p, PrintWriter out) {
      int devices = p.removeDomain(name, withDevices);
      out.println(
          "removed domain "
              + name.toLowerCase(Locale.ROOT)
              + (devices > 0 ? " and its " + devices + " device" + (devices == 1 ? "" : "s") : ""));
      return 0;
    }
  }
}
