package dev.evertone.server.cli;

import dev.evertone.provisioning.template.TemplateException;
import dev.evertone.server.config.ConfigException;
import dev.evertone.store.StoreException;
import java.io.PrintWriter;
import java.net.BindException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code evertone} command. */
@Command(
    name = "evertone",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "evertone: the SIP core of a VoIP provider or call center.",
      "Phones register to it with digest authentication over UDP, TCP, TLS and WebSocket; devices are provisioned one by one or in bulk,"
          + " safely.",
      "",
      "Start here:",
      "  evertone domain add example.com",
      "  evertone device add --domain example.com --user 1001",
      "  evertone serve",
      ""
    },
    subcommands = {ServeCommand.class, StunCommand.class, DomainCommand.class, UserCommand.class, DeviceCommand.class, LineCommand.class, ImportCommand.class,
        ExportCommand.class, TemplateCommand.class, CredentialsCommand.class, AuditCommand.class, TokenCommand.class, TlsCommand.class, RegistrationsCommand.class, TrunkCommand.class, NumberCommand.class, ForwardCommand.class,
        DialPlanCommand.class, IncidentCommand.class, ConfigCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Provisioning commands work on the local store, or on a running server with --server URL (token in $EVERTONE_TOKEN).",
        "Run 'evertone help COMMAND' for the options of a command."})
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  private final CliContext context;

  public Main(CliContext context) {
    this.context = context;
  }

  CliContext context() {
    return context;
  }

  static CliContext context(CommandSpec spec) {
    return ((Main) spec.root().userObject()).context;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line with evertone's error handling: a clear one-line message and exit code 1. */
  public static CommandLine commandLine(CliContext context, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main(context));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + explain(ex));
      commandLine.getErr().flush();
      return 1;
    });
    return cl;
  }

  static String explain(Throwable ex) {
    if (ex instanceof BindException || ex.getCause() instanceof BindException) {
      return "cannot open a socket: " + ex.getMessage() + ". Is another server using the port? Change it, e.g. --set sip.udp-port=5070";
    }
    if (ex instanceof ConfigException || ex instanceof StoreException || ex instanceof IllegalArgumentException
        || ex instanceof TemplateException || ex instanceof IllegalStateException) {
      return ex.getMessage();
    }
    return ex.toString();
  }

  /**
   * Netty's leak detector records a stack trace for one buffer in 128 by default: 2-3 % of the CPU of a busy TURN
   * relay (two buffers per relayed datagram). One in 4096 still finds a leak within seconds under load; an operator
   * who sets the property (or io.netty.leakDetection.level) keeps theirs. Tests run with Netty's own default.
   */
  static final String LEAK_SAMPLING = "io.netty.leakDetection.samplingInterval";

  public static void main(String[] args) {
    if (System.getProperty(LEAK_SAMPLING) == null) {
      System.setProperty(LEAK_SAMPLING, "4096");
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = commandLine(CliContext.system(), out, err).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"evertone " + (v == null ? "(development build)" : v)};
    }
  }
}
