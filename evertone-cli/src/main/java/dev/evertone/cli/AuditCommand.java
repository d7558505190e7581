package dev.evertone.cli;

import dev.evertone.provisioning.Provisioning;
import dev.evertone.store.audit.AuditEvent;
import java.io.PrintWriter;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Show the audit log, newest first: every change to domains, users, devices, credentials and tokens, every import,"
            + " export and restore, with who, when, from where and the batch.")
final class AuditCommand extends ProvisioningCommand {
  @Option(
      names = "--batch",
      paramLabel = "ID",
      description = "Only this batch (an import or restore).")
  @Nullable String batch;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "Only events since TIME (2026-11-23T09:00:00Z, or -2h).")
  @Nullable String since;

  @Option(
      names = {"-n", "--limit"},
      paramLabel = "N",
      description = "At most N events (default ${DEFAULT-VALUE}).")
  int limit = 50;

  @Option(names = "--json", description = "Print JSON, as the admin API answers.")
  boolean json;

  @Override
  int run(Provisioning p, PrintWriter out) {
    List<AuditEvent> events =
        p.audit(batch, since == null ? null : Times.parse(since, context().clock()), limit);
    if (json) {
      printJson(out, events);
      return 0;
    }
    if (events.isEmpty()) {
      out.println("no events");
      return 0;
    }
    Table t = new Table("TIME", "BY", "FROM", "ACTION", "TARGET", "BATCH", "DETAIL");
    for (AuditEvent e : events) {
      t.row(
          e.at().toString(),
          e.actor(),
          e.source(),
          e.action(),
          DeviceCommand.dash(e.target()),
          DeviceCommand.dash(e.batchId()),
          DeviceCommand.dash(e.detail()));
    }
    t.print(out);
    return 0;
  }
}
