package dev.evertone.cli;

import dev.evertone.provisioning.Provisioning;
import dev.evertone.provisioning.template.Format;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export (back up) every domain's devices, lines and users in the device template format, passwords"
          + " included: the file is an import file.",
      "Restore it into an empty store with 'evertone import FILE --create-domains'. JSON also keeps domains"
          + " without devices. The file holds every password in clear: keep it like the secret key file."
    })
final class ExportCommand extends ProvisioningCommand {
  @Option(
      names = "--format",
      paramLabel = "csv|json",
      description = "The format (default: from the output file's name, else csv).")
  @Nullable String format;

  @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain.")
  @Nullable String domain;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write to FILE (readable by you only) instead of standard output.")
  @Nullable Path output;

  @Override
  int run(Provisioning p, PrintWriter out) throws IOException {
    Format f =
        format != null
            ? Format.fromName(format)
            : output != null && output.toString().endsWith(".json") ? Format.JSON : Format.CSV;
    if (f == null) {
      throw new IllegalArgumentException("--format must be csv or json, not '" + format + "'");
    }
    if (output == null) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      p.export(f, domain, buffer);
      out.print(buffer.toString(StandardCharsets.UTF_8));
      out.flush();
      return 0;
    }
    try (OutputStream o = SecretFiles.create(output)) {
      p.export(f, domain, o);
    }
    err()
        .println(
            "exported to "
                + output
                + " ("
                + f.name().toLowerCase(java.util.Locale.ROOT)
                + ", passwords included; readable by you only)");
    return 0;
  }
}
