package dev.evertone.cli;

import dev.evertone.config.Durations;
import dev.evertone.registrar.ContactPing;
import dev.evertone.registrar.Registrations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "registrations",
    mixinStandardHelpOptions = true,
    description =
        "Who is registered on a running server right now, and whether each device answers: what 'kamctl ul show' and"
            + " Asterisk's 'pjsip show contacts' / 'pjsip qualify' do. Needs --server (or $EVERTONE_SERVER) and a token.",
    subcommands = {
      RegistrationsCommand.ListContacts.class,
      RegistrationsCommand.Ping.class,
      RegistrationsCommand.Remove.class
    })
final class RegistrationsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "The contacts registered now, for every line of DOMAIN or for one line: transport, the address the device registers"
              + " from (after NAT), its User-Agent, seconds left, and for TCP/TLS/WebSocket whether its connection is open.",
      footer = {
        "",
        "Example:",
        "  evertone registrations list example.com --auth-user 1001 --server http://127.0.0.1:8080"
      })
  static final class ListContacts implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain (tenant).")
    String domain;

    @Option(names = "--auth-user", paramLabel = "USER", description = "Only this line.")
    @Nullable String authUser;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "1000",
        description = "At most N lines (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      List<Registrations.Contact> contacts =
          remote
              .running(Main.context(spec), "registrations list")
              .registrations(domain, authUser, limit);
      PrintWriter out = spec.commandLine().getOut();
      if (contacts.isEmpty()) {
        out.println(
            authUser == null
                ? "no device of " + domain + " is registered"
                : authUser + "@" + domain + " is not registered");
        return 0;
      }
      Table t =
          new Table("AOR", "CONTACT", "TRANSPORT", "SOURCE", "EXPIRES", "CONNECTION", "USER-AGENT");
      for (Registrations.Contact c : contacts) {
        t.row(
            c.aor(),
            c.contact(),
            c.transport(),
            c.source(),
            c.expiresIn() + "s",
            c.connected() == null ? "-" : c.connected() ? "open" : "closed",
            c.userAgent() == null ? "-" : c.userAgent());
      }
      t.print(out);
      long lines = contacts.stream().map(Registrations.Contact::aor).distinct().count();
      if (authUser == null && lines >= limit) {
        out.println(
            "stopped at "
                + limit
                + " lines (--limit); there may be more: raise --limit or name one line with --auth-user");
      }
      return 0;
    }
  }

  @Command(
      name = "ping",
      mixinStandardHelpOptions = true,
      description = {
        "Sends OPTIONS to every registered contact of a line, each the way a call would reach it: over the TLS, WebSocket or"
            + " TCP connection it registered on, or to the UDP address its REGISTER came from. Any final response means reachable.",
        "Exit code 0 when every contact answered, 3 when one did not, 4 when the line has no contact."
      },
      footer = {
        "",
        "Example:",
        "  evertone registrations ping example.com 1001 --timeout 3s --server http://127.0.0.1:8080"
      })
  static final class Ping implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain (tenant).")
    String domain;

    @Parameters(index = "1", paramLabel = "AUTH_USER", description = "The line.")
    String authUser;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        defaultValue = "5s",
        description = "How long to wait for the answers, up to 32s (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Override
    public Integer call() {
      Duration wait = Durations.parse(timeout);
      List<ContactPing.Result> results =
          remote
              .running(Main.context(spec), "registrations ping")
              .ping(domain, authUser, wait.toMillis());
      PrintWriter out = spec.commandLine().getOut();
      if (results.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(authUser + "@" + domain + " has no registered contact to ping");
        return 4;
      }
      Table t = new Table("CONTACT", "VIA", "ANSWER", "MS", "USER-AGENT");
      boolean all = true;
      for (ContactPing.Result r : results) {
        all &= r.reachable();
        t.row(
            r.contact(),
            r.source(),
            r.reachable() ? r.status() + " " + r.reason() : "unreachable: " + r.reason(),
            Long.toString(r.millis()),
            r.userAgent() == null ? "-" : r.userAgent());
      }
      t.print(out);
      return all ? 0 : 3;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = {
        "Removes the registrations of a line on the running server, all of them or one contact's: a softphone that"
            + " crashed or was uninstalled stays registered until its binding expires (up to an hour), and calls keep"
            + " ringing it. The device registers again when it comes back. A contact that answers 'registrations ping'"
            + " with 404 or 481 is removed by the ping itself."
      },
      footer = {
        "",
        "Example:",
        "  evertone registrations remove example.com 1001 --contact 'sip:1001@192.168.1.23:5060' --server http://127.0.0.1:8080"
      })
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Parameters(index = "0", paramLabel = "DOMAIN", description = "The domain (tenant).")
    String domain;

    @Parameters(index = "1", paramLabel = "AUTH_USER", description = "The line.")
    String authUser;

    @Option(
        names = "--contact",
        paramLabel = "URI",
        description =
            "Only this contact, as 'registrations list' shows it (default: every contact).")
    @Nullable String contact;

    @Override
    public Integer call() {
      List<String> removed =
          remote
              .running(Main.context(spec), "registrations remove")
              .removeRegistrations(domain, authUser, contact);
      PrintWriter out = spec.commandLine().getOut();
      if (removed.isEmpty()) {
        out.println(authUser + "@" + domain + " was not registered");
      }
      for (String c : removed) {
        out.println("removed " + authUser + "@" + domain + " at <" + c + ">");
      }
      return 0;
    }
  }
}
