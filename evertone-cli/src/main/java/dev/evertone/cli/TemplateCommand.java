package dev.evertone.cli;

import dev.evertone.provisioning.template.Column;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "template",
    mixinStandardHelpOptions = true,
    description =
        "Print an example device template file to start an import from, and what each column means (on standard error).")
final class TemplateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--format", paramLabel = "csv|json", description = "csv (default) or json.")
  String format = "csv";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    switch (format) {
      case "csv" -> {
        out.println(Column.headerLine());
        out.println(
            ",example.com,1001,Front desk,00:15:65:aa:bb:cc,Yealink T54W,Reception,1,1001,");
        out.println(
            ",example.com,1001,,00:15:65:aa:bb:cc,,,2,1001b,\"a secret, with \"\"quotes\"\"\"");
        out.println(",example.com,1002,Back office,,,Softphone,,1002,");
      }
      case "json" -> {
        out.println("{\"rows\": [");
        out.println(
            "  {\"domain\": \"example.com\", \"extension\": \"1001\", \"display_name\": \"Front desk\", \"mac\": \"00:15:65:aa:bb:cc\","
                + " \"model\": \"Yealink T54W\", \"line\": 1, \"auth_user\": \"1001\"},");
        out.println(
            "  {\"domain\": \"example.com\", \"extension\": \"1002\", \"display_name\": \"Back office\", \"auth_user\": \"1002\"}");
        out.println("]}");
      }
      default ->
          throw new IllegalArgumentException("--format must be csv or json, not '" + format + "'");
    }
    for (Column c : Column.values()) {
      err.println(String.format("  %-12s %s", c.header(), c.meaning()));
    }
    return 0;
  }
}
