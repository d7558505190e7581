package dev.evertone.cli;

import dev.evertone.provisioning.GeneratedSecret;
import dev.evertone.provisioning.ImportOptions;
import dev.evertone.provisioning.LargeChangeException;
import dev.evertone.provisioning.PlanResult;
import dev.evertone.provisioning.Provisioning;
import dev.evertone.provisioning.template.Column;
import dev.evertone.provisioning.template.Format;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import devices, lines and users from a device template file (CSV or JSON; 'evertone template' prints one).",
      "Every row is checked before anything is written; the plan is compared with what is stored; a plan that"
          + " changes the credentials of a large part of a domain is refused unless confirmed; the whole file is"
          + " applied in one transaction, or nothing is. Every applied import is a batch that 'evertone credentials"
          + " restore --batch ID' undoes.",
      "",
      "Columns: action, domain, extension, display_name, mac, model, description, line, auth_user, secret (see"
          + " docs/provisioning.md). Empty cells keep what is stored; an empty secret of a new line is generated."
    })
final class ImportCommand extends ProvisioningCommand {
  @Parameters(paramLabel = "FILE", description = "The template file; - reads standard input.")
  String file;

  @Option(
      names = "--format",
      paramLabel = "csv|json",
      description = "The file's format (default: from its name, else its content).")
  @Nullable String format;

  @Option(names = "--dry-run", description = "Show the plan, write nothing.")
  boolean dryRun;

  @Option(
      names = "--confirm-large",
      description = "Apply although the plan changes many credentials (the blast-radius guard).")
  boolean confirmLarge;

  @Option(
      names = "--create-domains",
      description =
          "Create domains the file names that do not exist (restoring a backup); "
              + "otherwise an unknown domain is an error.")
  boolean createDomains;

  @Option(
      names = "--secrets-out",
      paramLabel = "FILE",
      description =
          "Write the generated passwords of new lines to FILE (CSV, readable by you only) instead of printing them.")
  @Nullable Path secretsOut;

  @Option(
      names = {"-v", "--verbose"},
      description = "List every row of the plan, unchanged ones and every creation too.")
  boolean verbose;

  @Option(
      names = "--json",
      description = "Print the plan and result as JSON, as the admin API answers.")
  boolean json;

  @Override
  int run(Provisioning p, PrintWriter out) throws IOException {
    Format f = null;
    if (format != null) {
      f = Format.fromName(format);
      if (f == null) {
        throw new IllegalArgumentException("--format must be csv or json, not '" + format + "'");
      }
    }
    byte[] content = file.equals("-") ? context().stdin().readAllBytes() : read(Path.of(file));
    err()
        .println(
            String.format(
                Locale.ROOT,
                "importing %s (%,d bytes)%s",
                file.equals("-") ? "standard input" : file,
                content.length,
                dryRun ? ", dry run" : ""));
    err().flush();
    PlanResult result;
    try {
      result =
          p.importFile(
              content,
              new ImportOptions(
                  f,
                  file.equals("-") ? null : Path.of(file).getFileName().toString(),
                  dryRun,
                  confirmLarge,
                  createDomains));
    } catch (LargeChangeException e) {
      return refused(out, e, json, verbose);
    }
    if (json) {
      printJson(out, result);
      return 0;
    }
    PlanPrinter.print(out, result, verbose);
    if (!result.applied()) {
      out.println("dry run: nothing was written; run it again without --dry-run to apply it");
      return 0;
    }
    out.println(
        "applied as batch "
            + result.batchId()
            + "; undo it with: evertone credentials restore --batch "
            + result.batchId());
    if (!result.generatedSecrets().isEmpty()) {
      if (secretsOut != null) {
        try (OutputStream o = SecretFiles.create(secretsOut)) {
          StringBuilder csv =
              new StringBuilder(
                  Column.DOMAIN.header()
                      + ","
                      + Column.AUTH_USER.header()
                      + ","
                      + Column.SECRET.header()
                      + "\n");
          for (GeneratedSecret g : result.generatedSecrets()) {
            csv.append(g.domain())
                .append(',')
                .append(g.authUser())
                .append(',')
                .append(g.secret())
                .append('\n');
          }
          o.write(csv.toString().getBytes(StandardCharsets.UTF_8));
        }
        out.println(
            result.generatedSecrets().size()
                + " generated password"
                + (result.generatedSecrets().size() == 1 ? "" : "s")
                + " written to "
                + secretsOut
                + " (readable by you only)");
      } else {
        DeviceCommand.showGenerated(out, result.generatedSecrets());
      }
    }
    return 0;
  }

  private static byte[] read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("no such file: " + path);
    }
    return Files.readAllBytes(path);
  }
}
