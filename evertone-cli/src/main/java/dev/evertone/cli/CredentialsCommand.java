package dev.evertone.cli;

import dev.evertone.provisioning.CredentialVersion;
import dev.evertone.provisioning.LargeChangeException;
import dev.evertone.provisioning.PlanResult;
import dev.evertone.provisioning.Provisioning;
import dev.evertone.provisioning.RestoreRequest;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "credentials",
    mixinStandardHelpOptions = true,
    description =
        "Every change of a line's password is kept, with who made it, when, and in which batch: see it, and restore it.",
    subcommands = {CredentialsCommand.History.class, CredentialsCommand.Restore.class})
final class CredentialsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description =
          "Every version of one line's password: when, what, who, which batch, and a short fingerprint (equal "
              + "fingerprints, equal passwords; the password itself is never shown).")
  static final class History extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The line's domain.")
    String domain;

    @Option(
        names = {"--user", "-u"},
        required = true,
        paramLabel = "AUTH_USER",
        description = "The line's auth user.")
    String user;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    int run(Provisioning p, PrintWriter out) {
      List<CredentialVersion> versions = p.history(domain, user);
      if (json) {
        printJson(out, versions);
        return 0;
      }
      Table t = new Table("TIME", "CHANGE", "BY", "BATCH", "FINGERPRINT");
      for (CredentialVersion v : versions) {
        t.row(
            v.at().toString(),
            v.change(),
            v.actor(),
            DeviceCommand.dash(v.batch()),
            DeviceCommand.dash(v.fingerprint()));
      }
      t.print(out);
      return 0;
    }
  }

  /** To what: a moment, or before a batch. */
  static final class Point {
    @Option(
        names = "--at",
        paramLabel = "TIME",
        description =
            "Restore the passwords lines had at TIME: 2026-11-23T09:00:00Z, '2026-11-23 09:00' (UTC), or -2h (ago).")
    @Nullable String at;

    @Option(
        names = "--batch",
        paramLabel = "ID",
        description = "Undo batch ID (an import or a restore; 'evertone audit' lists them).")
    @Nullable String batch;
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description = {
        "Restore lines' passwords, in one transaction: to what they were at a moment (--at), or to before a batch"
            + " (--batch, undoing an import).",
        "Lines deleted since are recreated on their devices; with --batch, lines the batch created are removed and"
            + " lines changed again after it are left alone. Every line of every domain, or of --domain, or only"
            + " --line/--mac. Devices that still hold the old password register again at once."
      })
  static final class Restore extends ProvisioningCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Point point;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain.")
    @Nullable String domain;

    @Option(
        names = "--line",
        paramLabel = "AUTH_USER@DOMAIN",
        description = "Only this line (repeatable).")
    List<String> lines = new ArrayList<>();

    @Option(
        names = "--mac",
        paramLabel = "MAC",
        description = "Only the lines of this device (repeatable).")
    List<String> macs = new ArrayList<>();

    @Option(names = "--dry-run", description = "Show the plan, write nothing.")
    boolean dryRun;

    @Option(
        names = "--confirm-large",
        description = "Apply although the plan changes many credentials (the blast-radius guard).")
    boolean confirmLarge;

    @Option(
        names = {"-v", "--verbose"},
        description = "List every line of the plan, unchanged ones too.")
    boolean verbose;

    @Option(
        names = "--json",
        description = "Print the plan and result as JSON, as the admin API answers.")
    boolean json;

    @Override
    int run(Provisioning p, PrintWriter out) {
      Instant at = point.at == null ? null : Times.parse(point.at, context().clock());
      err()
          .println(at != null ? "restoring passwords as of " + at : "undoing batch " + point.batch);
      err().flush();
      PlanResult result;
      try {
        result =
            p.restore(
                new RestoreRequest(at, point.batch, domain, lines, macs, dryRun, confirmLarge));
      } catch (LargeChangeException e) {
        return refused(out, e, json, verbose);
      }
      if (json) {
        printJson(out, result);
      } else {
        PlanPrinter.print(out, result, verbose);
        out.println(
            result.applied()
                ? "applied as batch "
                    + result.batchId()
                    + "; undo it with: evertone credentials restore --batch "
                    + result.batchId()
                : "dry run: nothing was written; run it again without --dry-run to apply it");
      }
      return 0;
    }
  }
}
