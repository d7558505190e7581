package dev.evertone.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.evertone.park.ParkedView;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "park",
    mixinStandardHelpOptions = true,
    description =
        "Park lots evertone answers itself (park.lots): the calls waiting in their slots. Talks to a running"
            + " server (--server, or $EVERTONE_SERVER).",
    subcommands = {ParkCommand.ListSlots.class})
final class ParkCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "The occupied slots: who waits, who parked it, since when.",
      footer = {"", "Example:", "  evertone park list --domain example.com"})
  static final class ListSlots implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain's lots.")
    @Nullable String domain;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<ParkedView> parked =
          remote
              .running(Main.context(spec), "park list")
              .call(
                  "GET",
                  "/park"
                      + (domain == null
                          ? ""
                          : "?domain=" + URLEncoder.encode(domain, StandardCharsets.UTF_8)),
                  null,
                  new TypeReference<List<ParkedView>>() {});
      if (json) {
        ProvisioningCommand.printJson(out, parked);
        return 0;
      }
      if (parked.isEmpty()) {
        out.println("no parked calls");
        return 0;
      }
      Table t = new Table("LOT", "SLOT", "PARKED", "PARKER", "SINCE");
      for (ParkedView p : parked) {
        t.row(p.lot(), p.slot(), p.party(), p.parker(), p.since().toString());
      }
      t.print(out);
      return 0;
    }
  }
}
