package dev.evertone.cli;

import dev.evertone.http.CallView;
import dev.evertone.http.RecordingView;
import dev.evertone.store.Store;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "calls",
    mixinStandardHelpOptions = true,
    description =
        "Call records (CDRs): every call through evertone, who called whom, when it was answered and ended, who hung"
            + " up, the final SIP status and, for anchored calls, the measured quality (loss, jitter, MOS).",
    subcommands = {
      CallsCommand.ListCalls.class,
      CallsCommand.StartRecording.class,
      CallsCommand.StopRecording.class
    })
final class CallsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "The calls, newest first, from the local store or a server's admin API (--server).",
      footer = {
        "",
        "Examples:",
        "  evertone calls list --domain example.com --since -1h",
        "  evertone calls list --since 2026-11-23 --until 2026-11-24 --csv > calls.csv"
      })
  static final class ListCalls implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;
    @Mixin RemoteOptions remote;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain's calls.")
    @Nullable String domain;

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description = "Only calls set up since TIME (2026-11-23T09:00:00Z, or -1h).")
    @Nullable String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only calls set up before TIME.")
    @Nullable String until;

    @Option(
        names = {"-n", "--limit"},
        paramLabel = "N",
        description = "At most N calls, 1 to 10000 (default ${DEFAULT-VALUE}).")
    int limit = 100;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Option(names = "--csv", description = "Print CSV with a header row, as the admin API exports.")
    boolean csv;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (limit < 1 || limit > 10_000) {
        spec.commandLine().getErr().println("error: --limit must be between 1 and 10000");
        return 2;
      }
      CliContext ctx = Main.context(spec);
      Instant from = since == null ? null : Times.parse(since, ctx.clock());
      Instant to = until == null ? null : Times.parse(until, ctx.clock());
      String d = domain == null ? null : domain.toLowerCase(Locale.ROOT);
      List<CallView> calls;
      try (Session session = Session.open(spec, options, remote)) {
        Store store = session.store();
        calls =
            store == null
                ? ((RemoteProvisioning) session.provisioning()).calls(d, from, to, limit)
                : store.calls().list(d, from, to, limit).stream().map(CallView::of).toList();
      }
      if (csv) {
        out.print(CallView.csv(calls));
      } else if (json) {
        ProvisioningCommand.printJson(out, calls);
      } else {
        print(out, calls);
      }
      return 0;
    }

    private static void print(PrintWriter out, List<CallView> calls) {
      if (calls.isEmpty()) {
        out.println("no calls");
        return;
      }
      Table t =
          new Table(
              "SETUP",
              "CALLER",
              "CALLEE",
              "DIRECTION",
              "TRUNK",
              "STATUS",
              "OUTCOME",
              "ENDED BY",
              "SECONDS",
              "LOSS",
              "JITTER",
              "MOS");
      for (CallView c : calls) {
        Instant answered = c.answeredAt();
        t.row(
            c.setupAt().toString(),
            c.caller(),
            c.callee(),
            c.direction(),
            DeviceCommand.dash(c.trunk()),
            Integer.toString(c.status()),
            c.outcome(),
            c.endedBy(),
            answered == null
                ? "-"
                : Long.toString(c.endedAt().getEpochSecond() - answered.getEpochSecond()),
            loss(c),
            c.callerJitterMs() == null
                ? "-"
                : String.format(
                    Locale.ROOT, "%.1f/%.1f ms", c.callerJitterMs(), c.calleeJitterMs()),
            c.mos() == null ? "-" : String.format(Locale.ROOT, "%.2f", c.mos()));
      }
      t.print(out);
    }

    /** Packets lost each way, caller's stream first: "3/0". */
    private static String loss(CallView c) {
      return c.callerLost() == null ? "-" : c.callerLost() + "/" + c.calleeLost();
    }
  }

  @Command(
      name = "record",
      mixinStandardHelpOptions = true,
      description =
          "Starts recording a call in progress whose audio passes through the server (media.anchor:"
              + " always): a stereo WAV file, the caller on the left, the callee on the right."
              + " Refused when the call's domain is never recorded (media.recording.policy,"
              + " media.recording.domains). The recording ends with the call, or with"
              + " 'evertone calls stop-recording'.",
      footer = {
        "",
        "Example:",
        "  evertone calls record 'a84b4c76e66710@pc33.example.com' --server http://127.0.0.1:8080"
      })
  static final class StartRecording implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Parameters(index = "0", paramLabel = "CALL-ID", description = "The call's SIP Call-ID.")
    String callId = "";

    @Override
    public Integer call() {
      RecordingView r = remote.running(Main.context(spec), "calls record").record(callId, true);
      spec.commandLine().getOut().println("recording call " + callId + " as " + r.id());
      return 0;
    }
  }

  @Command(
      name = "stop-recording",
      mixinStandardHelpOptions = true,
      description =
          "Stops recording a call (the call goes on); the recording is complete when this returns.",
      footer = {
        "",
        "Example:",
        "  evertone calls stop-recording 'a84b4c76e66710@pc33.example.com'"
      })
  static final class StopRecording implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Parameters(index = "0", paramLabel = "CALL-ID", description = "The call's SIP Call-ID.")
    String callId = "";

    @Override
    public Integer call() {
      RecordingView r =
          remote.running(Main.context(spec), "calls stop-recording").record(callId, false);
      spec.commandLine()
          .getOut()
          .println(
              "recording "
                  + r.id()
                  + " of call "
                  + callId
                  + " stopped: "
                  + String.format(Locale.ROOT, "%.1f", r.durationSeconds())
                  + " s");
      return 0;
    }
  }
}
