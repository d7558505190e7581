package dev.evertone.cli;

import dev.evertone.http.RecordingView;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    name = "recordings",
    mixinStandardHelpOptions = true,
    description =
        "Call recordings: stereo WAV files (8 kHz, 16-bit; the caller on the left, the callee on the"
            + " right) of anchored calls, made by policy (media.recording.policy) or by 'evertone"
            + " calls record'. They live on the server that recorded them, so these commands talk to"
            + " its admin API (--server).",
    subcommands = {
      RecordingsCommand.ListRecordings.class,
      RecordingsCommand.Download.class,
      RecordingsCommand.Delete.class
    })
final class RecordingsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "The recordings, newest first.",
      footer = {
        "",
        "Examples:",
        "  evertone recordings list --server http://127.0.0.1:8080",
        "  evertone recordings list --domain example.com --json"
      })
  static final class ListRecordings implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Option(
        names = "--domain",
        paramLabel = "DOMAIN",
        description = "Only this domain's recordings.")
    @Nullable String domain;

    @Option(
        names = "--call-id",
        paramLabel = "CALL-ID",
        description = "Only the recordings of this call.")
    @Nullable String callId;

    @Option(
        names = {"-n", "--limit"},
        paramLabel = "N",
        description = "At most N recordings, 1 to 10000 (default ${DEFAULT-VALUE}).")
    int limit = 100;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (limit < 1 || limit > 10_000) {
        spec.commandLine().getErr().println("error: --limit must be between 1 and 10000");
        return 2;
      }
      List<RecordingView> recordings =
          remote
              .running(Main.context(spec), "recordings list")
              .recordings(domain == null ? null : domain.toLowerCase(Locale.ROOT), callId, limit);
      if (json) {
        ProvisioningCommand.printJson(out, recordings);
        return 0;
      }
      if (recordings.isEmpty()) {
        out.println("no recordings");
        return 0;
      }
      Table t =
          new Table(
              "ID", "STARTED", "CALLER", "CALLEE", "SECONDS", "BYTES", "STATE", "BY", "CALL-ID");
      for (RecordingView r : recordings) {
        t.row(
            r.id(),
            r.startedAt().toString(),
            r.caller(),
            r.callee(),
            String.format(Locale.ROOT, "%.1f", r.durationSeconds()),
            Long.toString(r.bytes()),
            r.state(),
            r.startedBy(),
            r.callId());
      }
      t.print(out);
      return 0;
    }
  }

  @Command(
      name = "download",
      mixinStandardHelpOptions = true,
      description =
          "Saves a complete recording as a WAV file (one still being recorded is refused: stop it"
              + " with 'evertone calls stop-recording', or wait for the call to end).",
      footer = {
        "",
        "Example:",
        "  evertone recordings download 20261207-233512-3fa9c2d1 -o call.wav"
      })
  static final class Download implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Parameters(index = "0", paramLabel = "ID", description = "The recording's id.")
    String id = "";

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Where to save it (default: ID.wav here); an existing file is not replaced.")
    @Nullable Path output;

    @Override
    public Integer call() {
      Path file = output != null ? output : Path.of(id + ".wav");
      RemoteProvisioning server = remote.running(Main.context(spec), "recordings download");
      // the answer is checked before the file is made: an error leaves nothing behind
      server.recordings(null, null, 1); // the token and the server, first
      Path partial = file.resolveSibling(file.getFileName() + ".part");
      try (OutputStream out =
          Files.newOutputStream(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        server.downloadRecording(id, out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
      } catch (RuntimeException e) {
        deleteQuietly(partial);
        throw e;
      }
      try {
        Files.move(partial, file);
      } catch (IOException e) {
        deleteQuietly(partial);
        throw new UncheckedIOException(
            "cannot save " + file + " (it exists already?): " + e.getMessage(), e);
      }
      spec.commandLine().getOut().println("saved " + file);
      return 0;
    }

    private static void deleteQuietly(Path p) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // what is left is named .part
      }
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a recording (audited as the token's name).",
      footer = {"", "Example:", "  evertone recordings delete 20261207-233512-3fa9c2d1"})
  static final class Delete implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Parameters(index = "0", paramLabel = "ID", description = "The recording's id.")
    String id = "";

    @Override
    public Integer call() {
      remote.running(Main.context(spec), "recordings delete").deleteRecording(id);
      spec.commandLine().getOut().println("deleted recording " + id);
      return 0;
    }
  }
}
