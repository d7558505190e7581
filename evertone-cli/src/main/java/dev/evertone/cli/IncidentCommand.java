package dev.evertone.cli;

import dev.evertone.config.ServerConfig;
import dev.evertone.config.Settings;
import dev.evertone.status.IncidentChange;
import dev.evertone.status.NewIncident;
import dev.evertone.status.NewMaintenance;
import dev.evertone.status.StatusService;
import dev.evertone.store.Actor;
import dev.evertone.store.Store;
import dev.evertone.store.ValidationException;
import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Impact;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentStatus;
import dev.evertone.store.status.IncidentUpdate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "incident",
    mixinStandardHelpOptions = true,
    description = {
      "Declare, update and resolve incidents on the status page, publish postmortems, plan maintenance.",
      "Subscribers are told of every change (by the running server). Works on the local store or, with --server, through the "
          + "admin API; every action is in the audit log."
    },
    subcommands = {
      IncidentCommand.ListIncidents.class,
      IncidentCommand.Show.class,
      IncidentCommand.Declare.class,
      IncidentCommand.Update.class,
      IncidentCommand.Resolve.class,
      IncidentCommand.Postmortem.class,
      IncidentCommand.Maintenance.class,
      IncidentCommand.Components.class
    })
final class IncidentCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command on the status page: opens the store (or connects to --server) and runs. */
  abstract static class StatusSubcommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;
    @Mixin RemoteOptions remote;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    public final Integer call() throws Exception {
      CliContext ctx = Main.context(spec);
      PrintWriter out = spec.commandLine().getOut();
      String server = remote.server(ctx);
      if (server != null) {
        return run(
            new StatusOperations.Remote(new RemoteProvisioning(server, remote.token(ctx))), out);
      }
      ServerConfig config = options.load(ctx);
      try (Store store = Stores.open(ctx, config)) {
        Actor actor = Session.actor(ctx);
        StatusService service =
            new StatusService(
                store.status(), Settings.status(config, config.http().port()), ctx.clock());
        service.ensureDefaults(actor);
        return run(new StatusOperations.Local(service, actor), out);
      }
    }

    abstract int run(StatusOperations status, PrintWriter out) throws Exception;

    /** Prints an incident as JSON or as its timeline. */
    int print(PrintWriter out, Incident i) {
      if (json) {
        ProvisioningCommand.printJson(out, i);
        return 0;
      }
      out.printf(
          "%s  %s  [%s, impact %s]%n", i.id(), i.name(), i.status().wire(), i.impact().wire());
      if (i.scheduledFor() != null) {
        out.printf("  scheduled %s - %s%n", i.scheduledFor(), i.scheduledUntil());
      }
      if (!i.components().isEmpty()) {
        List<String> parts = new ArrayList<>();
        i.components().forEach((c, s) -> parts.add(c + "=" + s.wire()));
        out.println("  components: " + String.join(", ", parts));
      }
      if (i.monitor() != null || i.declaredBy() != null) {
        out.println(
            "  declared by "
                + declaredBy(i)
                + (i.tenants().isEmpty() ? "" : "; tenants: " + String.join(", ", i.tenants())));
      }
      for (IncidentUpdate u : i.updates()) {
        out.printf("  %s  %-14s %s%n", u.createdAt(), u.status().wire(), u.body());
      }
      if (i.postmortem() != null) {
        out.println("  postmortem (published " + i.postmortemPublishedAt() + "):");
        out.println("    " + i.postmortem().replace("\n", "\n    "));
      }
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List incidents (or maintenances), newest first.")
  static final class ListIncidents extends StatusSubcommand {
    @Option(names = "--open", description = "Only those not resolved or completed.")
    boolean open;

    @Option(names = "--maintenance", description = "Maintenances instead of incidents.")
    boolean maintenance;

    @Option(
        names = {"-n", "--limit"},
        paramLabel = "N",
        description = "At most N (default ${DEFAULT-VALUE}).")
    int limit = 20;

    @Override
    int run(StatusOperations status, PrintWriter out) {
      List<Incident> list =
          status.incidents(
              maintenance ? IncidentKind.MAINTENANCE : IncidentKind.INCIDENT, open, limit);
      if (json) {
        ProvisioningCommand.printJson(out, list);
        return 0;
      }
      if (list.isEmpty()) {
        out.println(open ? "no open " + (maintenance ? "maintenance" : "incident") : "none yet");
        return 0;
      }
      Table t = new Table("ID", "CREATED", "STATUS", "IMPACT", "NAME", "BY");
      for (Incident i : list) {
        t.row(
            i.id(),
            i.createdAt().toString(),
            i.status().wire(),
            i.impact().wire(),
            i.name(),
            declaredBy(i));
      }
      t.print(out);
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show an incident with its timeline and postmortem.")
  static final class Show extends StatusSubcommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(StatusOperations status, PrintWriter out) {
      return print(out, status.incident(id));
    }
  }

  @Command(
      name = "declare",
      mixinStandardHelpOptions = true,
      description =
          "Declare an incident: its components take the status given, and subscribers are told.")
  static final class Declare extends StatusSubcommand {
    @Parameters(
        paramLabel = "NAME",
        description = "What customers see, e.g. \"Calls to mobile networks failing\".")
    String name;

    @Option(
        names = {"-m", "--message"},
        required = true,
        paramLabel = "TEXT",
        description = "The first update: what is known.")
    String message;

    @Option(
        names = "--impact",
        required = true,
        paramLabel = "IMPACT",
        description = "none, minor, major or critical.")
    String impact;

    @Option(
        names = "--component",
        paramLabel = "ID=STATUS",
        description =
            "An affected component and its status, e.g. outgoing-calls=partial_outage (repeatable; 'evertone incident components' "
                + "lists them).")
    List<String> components = new ArrayList<>();

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description = "investigating (default), identified, monitoring or resolved.")
    @Nullable String status;

    @Override
    int run(StatusOperations ops, PrintWriter out) {
      return print(
          out,
          ops.declare(
              new NewIncident(
                  name,
                  status == null ? null : IncidentStatus.of(status),
                  Impact.of(impact),
                  message,
                  componentStatuses(components))));
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = "Add an update to an incident or a maintenance.")
  static final class Update extends StatusSubcommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--status",
        required = true,
        paramLabel = "STATUS",
        description =
            "investigating, identified, monitoring, resolved (incidents); in_progress, verifying, completed (maintenance).")
    String status;

    @Option(
        names = {"-m", "--message"},
        required = true,
        paramLabel = "TEXT")
    String message;

    @Option(
        names = "--impact",
        paramLabel = "IMPACT",
        description = "A new impact (default: unchanged).")
    @Nullable String impact;

    @Option(
        names = "--component",
        paramLabel = "ID=STATUS",
        description = "The affected components from now on (repeatable; default: " + "unchanged).")
    List<String> components = new ArrayList<>();

    @Override
    int run(StatusOperations ops, PrintWriter out) {
      return print(
          out,
          ops.update(
              id,
              new IncidentChange(
                  IncidentStatus.of(status),
                  message,
                  impact == null ? null : Impact.of(impact),
                  components.isEmpty() ? null : componentStatuses(components))));
    }
  }

  @Command(
      name = "resolve",
      mixinStandardHelpOptions = true,
      description = "Resolve an incident (final; its components recover).")
  static final class Resolve extends StatusSubcommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = {"-m", "--message"},
        paramLabel = "TEXT",
        description = "Default: \"${DEFAULT-VALUE}\"")
    String message = "This incident has been resolved.";

    @Override
    int run(StatusOperations ops, PrintWriter out) {
      return print(
          out, ops.update(id, new IncidentChange(IncidentStatus.RESOLVED, message, null, null)));
    }
  }

  @Command(
      name = "postmortem",
      mixinStandardHelpOptions = true,
      description = "Publish the postmortem of a resolved incident.")
  static final class Postmortem extends StatusSubcommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--file",
        required = true,
        paramLabel = "FILE",
        description = "The postmortem text (paragraphs apart by blank lines).")
    Path file;

    @Override
    int run(StatusOperations ops, PrintWriter out) throws IOException {
      return print(out, ops.postmortem(id, Files.readString(file, StandardCharsets.UTF_8)));
    }
  }

  @Command(
      name = "maintenance",
      mixinStandardHelpOptions = true,
      description =
          "Plan a maintenance: at --start its components go under maintenance, at --end they are operational again.")
  static final class Maintenance extends StatusSubcommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = {"-m", "--message"},
        required = true,
        paramLabel = "TEXT")
    String message;

    @Option(
        names = "--start",
        required = true,
        paramLabel = "TIME",
        description = "2026-12-01T02:00:00Z, or +2h.")
    String start;

    @Option(names = "--end", required = true, paramLabel = "TIME")
    String end;

    @Option(
        names = "--component",
        paramLabel = "ID",
        description = "A component under maintenance (repeatable).")
    List<String> components = new ArrayList<>();

    @Override
    int run(StatusOperations ops, PrintWriter out) {
      java.time.Clock clock = Main.context(spec).clock();
      return print(
          out,
          ops.schedule(
              new NewMaintenance(
                  name, message, Times.parse(start, clock), Times.parse(end, clock), components)));
    }
  }

  @Command(
      name = "components",
      mixinStandardHelpOptions = true,
      description = "List the status page's components and their status.")
  static final class Components extends StatusSubcommand {
    @Override
    int run(StatusOperations ops, PrintWriter out) {
      List<Component> list = ops.components();
      if (json) {
        ProvisioningCommand.printJson(out, list);
        return 0;
      }
      Table t = new Table("ID", "NAME", "GROUP", "STATUS");
      for (Component c : list) {
        t.row(c.id(), c.name(), DeviceCommand.dash(c.group()), c.status().wire());
      }
      t.print(out);
      return 0;
    }
  }

  static Map<String, ComponentStatus> componentStatuses(List<String> pairs) {
    Map<String, ComponentStatus> out = new LinkedHashMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new ValidationException(
            "component",
            "'" + p + "' is not ID=STATUS, e.g. sip-registration=degraded_performance");
      }
      out.put(p.substring(0, eq), ComponentStatus.of(p.substring(eq + 1)));
    }
    return out;
  }

  /** Who declared an incident: its monitor, or the token or user (older ones: "person"). */
  static String declaredBy(Incident i) {
    if (i.monitor() != null) {
      return "monitor " + i.monitor();
    }
    return i.declaredBy() != null ? i.declaredBy() : "person";
  }
}
