package dev.evertone.server.cli;

import dev.evertone.store.Domain;
import dev.evertone.store.Store;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "domain", mixinStandardHelpOptions = true,
    description = "Manage SIP domains. A domain is the host part of its devices' addresses (1001@example.com) and their digest realm.",
    subcommands = {DomainCommand.AddDomain.class, DomainCommand.ListDomains.class, DomainCommand.RemoveDomain.class})
final class DomainCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a domain.")
  static final class AddDomain implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Parameters(paramLabel = "DOMAIN", description = "Domain name, e.g. example.com (stored in lower case).")
    String name;

    @Override
    public Integer call() {
      try (Store store = Stores.open(spec, options)) {
        Domain d = store.domains().add(name);
        spec.commandLine().getOut().println("added domain " + d.name());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List domains with their number of devices.")
  static final class ListDomains implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Override
    public Integer call() {
      try (Store store = Stores.open(spec, options)) {
        List<Domain> domains = store.domains().list();
        PrintWriter out = spec.commandLine().getOut();
        if (domains.isEmpty()) {
          out.println("no domains yet; add one with: evertone domain add example.com");
          return 0;
        }
        Table t = new Table("DOMAIN", "DEVICES", "CREATED");
        for (Domain d : domains) {
          t.row(d.name(), Integer.toString(store.devices().count(d.name())), d.createdAt().toString());
        }
        t.print(out);
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a domain.")
  static final class RemoveDomain implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Parameters(paramLabel = "DOMAIN", description = "Domain to remove.")
    String name;

    @Option(names = "--with-devices", description = "Also remove its devices (otherwise a domain with devices is kept).")
    boolean withDevices;

    @Override
    public Integer call() {
      try (Store store = Stores.open(spec, options)) {
        int devices = store.domains().remove(name, withDevices);
        spec.commandLine().getOut().println("removed domain " + name.toLowerCase(Locale.ROOT)
            + (devices > 0 ? " and its " + devices + " device" + (devices == 1 ? "" : "s") : ""));
      }
      return 0;
    }
  }
}
