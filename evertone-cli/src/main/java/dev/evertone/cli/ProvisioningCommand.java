package dev.evertone.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.evertone.http.ApiJson;
import dev.evertone.provisioning.LargeChangeException;
import dev.evertone.provisioning.Provisioning;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that works on provisioning data, on the local store or on a server ({@code --server}).
 */
abstract class ProvisioningCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOptions options;
  @Mixin RemoteOptions remote;

  @Override
  public final Integer call() throws Exception {
    try (Session session = Session.open(spec, options, remote)) {
      return run(session.provisioning(), spec.commandLine().getOut());
    }
  }

  /** Does the work; returns the exit code. */
  abstract int run(Provisioning p, PrintWriter out) throws Exception;

  CliContext context() {
    return Main.context(spec);
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /**
   * A plan the guard refused: the plan (as asked, text or JSON), then the numbers on stderr; exit
   * code 1.
   */
  int refused(PrintWriter out, LargeChangeException e, boolean json, boolean verbose) {
    if (json) {
      printJson(out, e.plan());
    } else {
      PlanPrinter.print(out, e.plan(), verbose);
    }
    err().println("error: " + e.getMessage());
    return 1;
  }

  /** {@code value} as indented JSON, as the admin API answers it. */
  static void printJson(PrintWriter out, Object value) {
    try {
      out.println(ApiJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
