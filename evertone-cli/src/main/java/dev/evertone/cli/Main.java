package dev.evertone.cli;

import dev.evertone.config.ConfigException;
import dev.evertone.provisioning.template.TemplateException;
import dev.evertone.store.StoreException;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code evertone} command: the administration commands of this module, after the commands that
 * run a server ({@code serve}, {@code stun}), which the server module hands in.
 */
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
    footer = {
      "",
      "Provisioning commands work on the local store, or on a running server with --server URL (token in $EVERTONE_TOKEN).",
      "Run 'evertone help COMMAND' for the options of a command."
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  private final CliContext context;

  public Main(CliContext context) {
    this.context = context;
  }

  CliContext context() {
    return context;
  }

  /** The context of the command line a command runs in. */
  public static CliContext context(CommandSpec spec) {
    return ((Main) spec.root().userObject()).context;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The administration commands, in the order help lists them. */
  private static final List<Class<?>> COMMANDS =
      List.of(
          DomainCommand.class,
          UserCommand.class,
          DeviceCommand.class,
          LineCommand.class,
          ImportCommand.class,
          ExportCommand.class,
          TemplateCommand.class,
          CredentialsCommand.class,
          AuditCommand.class,
          CallsCommand.class,
          ConferencesCommand.class,
          RecordingsCommand.class,
          ParkCommand.class,
          TokenCommand.class,
          TlsCommand.class,
          RegistrationsCommand.class,
          TrunkCommand.class,
          NumberCommand.class,
          ForwardCommand.class,
          DialPlanCommand.class,
          IncidentCommand.class,
          ConfigCommand.class,
          CommandLine.HelpCommand.class);

  /**
   * The command line with evertone's error handling: a clear one-line message and exit code 1.
   * {@code serverCommands} (picocli command classes) come first.
   */
  public static CommandLine commandLine(
      CliContext context, PrintWriter out, PrintWriter err, List<Class<?>> serverCommands) {
    return commandLine(context, out, err, serverCommands, null);
  }

  /**
   * The command line for {@code commandArgs}: with only the command they name (and its subcommands)
   * when they name one, every command otherwise (help, the version, a mistyped command, or {@code
   * commandArgs} null). Building the model of every command and option (reflection over 20 commands
   * and their mixins) was the largest part of a short command's start-up; the others are not needed
   * to run one.
   */
  public static CommandLine commandLine(
      CliContext context,
      PrintWriter out,
      PrintWriter err,
      List<Class<?>> serverCommands,
      String @Nullable [] commandArgs) {
    CommandLine cl = new CommandLine(new Main(context));
    List<Class<?>> all = new ArrayList<>(serverCommands);
    all.addAll(COMMANDS);
    Class<?> named =
        commandArgs == null || commandArgs.length == 0 ? null : named(all, commandArgs[0]);
    for (Class<?> c : named == null ? all : List.<Class<?>>of(named)) {
      cl.addSubcommand(c);
    }
    cl.setOut(out);
    cl.setErr(err);
    // a mistyped command line: one line that names the mistake, a suggestion, where help is; not
    // the
    // whole usage (which buried the message under 30 lines)
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("error: " + mistake(ex));
          c.getErr().println("see '" + c.getCommandSpec().qualifiedName() + " --help'");
          c.getErr().flush();
          return c.getCommandSpec().exitCodeOnInvalidInput();
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + explain(ex));
          commandLine.getErr().flush();
          return 1;
        });
    return cl;
  }

  /**
   * The command called {@code name}; null for help (which needs every command) and for a name that
   * is none (the error suggests the nearest ones).
   */
  private static @Nullable Class<?> named(List<Class<?>> commands, String name) {
    for (Class<?> c : commands) {
      Command command = c.getAnnotation(Command.class);
      if (command != null && command.name().equals(name) && c != CommandLine.HelpCommand.class) {
        return c;
      }
    }
    return null;
  }

  /** What is wrong with a command line, with what the user probably meant. */
  static String mistake(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      List<String> near = u.getSuggestions();
      return (arg.startsWith("-") ? "unknown option " : "unexpected argument ")
          + arg
          + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?");
    }
    String m = ex.getMessage();
    return m == null ? "invalid command line" : m;
  }

  static String explain(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof java.nio.file.NoSuchFileException f) {
        return "no such file: " + f.getFile();
      }
      if (t instanceof java.nio.file.AccessDeniedException f) {
        return "cannot read " + f.getFile() + ": permission denied";
      }
    }
    if (ex instanceof BindException || ex.getCause() instanceof BindException) {
      return "cannot open a socket: "
          + ex.getMessage()
          + ". Is another server using the port? Change it, e.g. --set sip.udp-port=5070";
    }
    if (ex instanceof ConfigException
        || ex instanceof StoreException
        || ex instanceof IllegalArgumentException
        || ex instanceof TemplateException
        || ex instanceof IllegalStateException
        || ex instanceof dev.evertone.tls.TlsException) {
      String message = ex.getMessage();
      return message == null ? ex.toString() : message;
    }
    return ex.toString();
  }

  /** The version from the jar's manifest. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"evertone " + (v == null ? "(development build)" : v)};
    }
  }
}
