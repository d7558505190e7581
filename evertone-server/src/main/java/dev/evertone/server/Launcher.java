package dev.evertone.server;

import dev.evertone.cli.CliContext;
import dev.evertone.cli.Main;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * The {@code evertone} program: the commands that run a server, then the administration commands.
 */
public final class Launcher {
  private Launcher() {}

  /**
   * Netty's leak detector records a stack trace for one buffer in 128 by default: 2-3 % of the CPU
   * of a busy TURN relay (two buffers per relayed datagram). One in 4096 still finds a leak within
   * seconds under load; an operator who sets the property (or io.netty.leakDetection.level) keeps
   * theirs. Tests run with Netty's own default.
   */
  static final String LEAK_SAMPLING = "io.netty.leakDetection.samplingInterval";

  /** The whole command line, as the jar runs it. */
  public static CommandLine commandLine(CliContext context, PrintWriter out, PrintWriter err) {
    return commandLine(context, out, err, null);
  }

  /**
   * The command line to run {@code args}: with only the command they name, when they name one (see
   * {@link Main#commandLine(CliContext, PrintWriter, PrintWriter, List, String[])}).
   */
  public static CommandLine commandLine(
      CliContext context, PrintWriter out, PrintWriter err, String @Nullable [] args) {
    return Main.commandLine(
        context, out, err, List.of(ServeCommand.class, StunCommand.class), args);
  }

  public static void main(String[] args) {
    if (System.getProperty(LEAK_SAMPLING) == null) {
      System.setProperty(LEAK_SAMPLING, "4096");
    }
    // the platform's default charset, which a PrintWriter on System.out would use
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true);
    int code = commandLine(CliContext.system(), out, err, args).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
