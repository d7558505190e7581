package dev.evertone.cli;

import dev.evertone.provisioning.Provisioning;
import dev.evertone.provisioning.TrunkInfo;
import dev.evertone.provisioning.TrunkSpec;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "trunk",
    mixinStandardHelpOptions = true,
    description = {
      "Manage a domain's SIP trunks to carriers: calls to numbers outside the domain go to them in priority order "
          + "(the next one after a 5xx or no answer); calls from their addresses to the domain's numbers are accepted without a password."
    },
    subcommands = {
      TrunkCommand.SetTrunk.class,
      TrunkCommand.ListTrunks.class,
      TrunkCommand.RemoveTrunk.class
    })
final class TrunkCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Add a trunk, or replace one of that name.",
      footer = {
        "",
        "Example:",
        "  evertone trunk set example.com carrier-a --host sip.carrier.example --username 4930123 --password-file pw.txt"
      })
  static final class SetTrunk extends ProvisioningCommand {
    @Parameters(
        index = "0",
        paramLabel = "DOMAIN",
        description = "The domain whose calls use the trunk.")
    String domain;

    @Parameters(
        index = "1",
        paramLabel = "NAME",
        description = "A name for it, e.g. carrier-a (lower-case letters, digits, '-').")
    String name;

    @Option(
        names = "--host",
        required = true,
        paramLabel = "HOST",
        description = "The carrier's IP address or host name.")
    String host;

    @Option(
        names = "--port",
        paramLabel = "PORT",
        description = "The carrier's SIP port (default: 5060).")
    Integer port;

    @Option(names = "--transport", paramLabel = "udp|tcp", description = "Default: udp.")
    String transport;

    @Option(
        names = "--username",
        paramLabel = "USER",
        description = "The account evertone answers the carrier's digest challenges with.")
    String username;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description =
            "A file holding that account's password (never on the command "
                + "line); leave it out to keep the stored one.")
    java.nio.file.Path passwordFile;

    @Option(
        names = "--priority",
        paramLabel = "N",
        description = "Lower is tried first (default: 10).")
    Integer priority;

    @Option(
        names = "--number-format",
        paramLabel = "e164|digits",
        description =
            "How the carrier wants numbers: +4930123 (e164, the " + "default) or 4930123 (digits).")
    String numberFormat;

    @Option(
        names = "--register-every",
        paramLabel = "SECONDS",
        description =
            "Register the account at the carrier, refreshing within "
                + "this interval (60-86400), for carriers that send calls only to a registered account. Default: no registration.")
    Integer registerEvery;

    @Override
    int run(Provisioning p, PrintWriter out) {
      String password = passwordFile == null ? null : SecretFiles.read(passwordFile);
      TrunkInfo t =
          p.putTrunk(
              domain,
              name,
              new TrunkSpec(
                  host,
                  port,
                  transport,
                  username,
                  password,
                  priority,
                  numberFormat,
                  registerEvery));
      out.println(
          "trunk "
              + t.name()
              + " of "
              + t.domain()
              + ": "
              + t.transport()
              + ":"
              + t.host()
              + ":"
              + t.port()
              + ", priority "
              + t.priority()
              + (t.username() == null
                  ? ", no account"
                  : ", account " + t.username() + (t.passwordSet() ? "" : " (no password yet)"))
              + (t.registerInterval() > 0
                  ? ", registers every " + t.registerInterval() + " s"
                  : ""));
      if (!resolves(t.host())) {
        err()
            .println(
                "warning: "
                    + t.host()
                    + " does not resolve from this machine; calls through "
                    + t.name()
                    + " fail until it does (check the name, or give the carrier's IP address)");
      }
      return 0;
    }

    /** Whether a host name resolves, within a few seconds (an address literal always does). */
    private static boolean resolves(String host) {
      CompletableFuture<Boolean> lookup =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return InetAddress.getAllByName(host).length > 0;
                } catch (UnknownHostException e) {
                  return false;
                }
              });
      try {
        return lookup.get(3, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true; // not asked to wait: say nothing
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List a domain's trunks in the order calls try them.")
  static final class ListTrunks extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    int run(Provisioning p, PrintWriter out) {
      List<TrunkInfo> trunks = p.trunks(domain);
      if (json) {
        printJson(out, trunks);
      } else if (trunks.isEmpty()) {
        out.println(
            "no trunks in "
                + domain
                + "; add one with: evertone trunk set "
                + domain
                + " carrier-a --host sip.carrier.example");
      } else {
        Table t = new Table("PRIORITY", "NAME", "ADDRESS", "ACCOUNT", "NUMBERS", "REGISTERS");
        trunks.forEach(
            x ->
                t.row(
                    Integer.toString(x.priority()),
                    x.name(),
                    x.transport() + ":" + x.host() + ":" + x.port(),
                    x.username() == null
                        ? "-"
                        : x.username() + (x.passwordSet() ? "" : " (no password)"),
                    x.numberFormat(),
                    x.registerInterval() > 0 ? "every " + x.registerInterval() + " s" : "no"));
        t.print(out);
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a trunk.")
  static final class RemoveTrunk extends ProvisioningCommand {
    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Parameters(index = "1", paramLabel = "NAME", description = "The trunk.")
    String name;

    @Override
    int run(Provisioning p, PrintWriter out) {
      p.removeTrunk(domain, name);
      out.println("removed trunk " + name + " of " + domain);
      return 0;
    }
  }
}
