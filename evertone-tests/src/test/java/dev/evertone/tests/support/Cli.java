package dev.evertone.tests.support;

import dev.evertone.cli.CliContext;
import dev.evertone.server.Launcher;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * The {@code evertone} command line run in-process, as the jar runs it, with its output captured.
 */
public final class Cli {
  /** The header of the device template. */
  public static final String HEADER =
      "action,domain,extension,display_name,mac,model,description,line,auth_user,secret\n";

  private Cli() {}

  /** What a command printed, and its exit code. */
  public record Result(int code, String out, String err) {}

  public static Result execute(Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliContext ctx =
        new CliContext(
            env,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            Clock.systemUTC());
    int code =
        Launcher.commandLine(ctx, new PrintWriter(out, true), new PrintWriter(err, true), args)
            .execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
