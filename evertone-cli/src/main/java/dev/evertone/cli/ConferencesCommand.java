package dev.evertone.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.evertone.conference.ConferenceView;
import dev.evertone.conference.ParticipantView;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
    name = "conferences",
    mixinStandardHelpOptions = true,
    description =
        "Conference rooms evertone answers itself (conference.rooms): who is in them now, and a participant"
            + " muted, unmuted or removed. Talks to a running server (--server, or $EVERTONE_SERVER).",
    subcommands = {
      ConferencesCommand.ListRooms.class,
      ConferencesCommand.ShowRoom.class,
      ConferencesCommand.Mute.class,
      ConferencesCommand.Unmute.class,
      ConferencesCommand.Kick.class
    })
final class ConferencesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String room(String room) {
    return "/conferences/" + URLEncoder.encode(room, StandardCharsets.UTF_8);
  }

  static String party(String room, String participant) {
    return room(room) + "/participants/" + URLEncoder.encode(participant, StandardCharsets.UTF_8);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Every room and how many are in it.",
      footer = {"", "Example:", "  evertone conferences list --domain example.com"})
  static final class ListRooms implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain's rooms.")
    @Nullable String domain;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<ConferenceView> rooms =
          remote
              .running(Main.context(spec), "conferences list")
              .call(
                  "GET",
                  "/conferences"
                      + (domain == null
                          ? ""
                          : "?domain=" + URLEncoder.encode(domain, StandardCharsets.UTF_8)),
                  null,
                  new TypeReference<List<ConferenceView>>() {});
      if (json) {
        ProvisioningCommand.printJson(out, rooms);
        return 0;
      }
      if (rooms.isEmpty()) {
        out.println("no conference rooms (set conference.rooms)");
        return 0;
      }
      Table t = new Table("ROOM", "PIN", "PARTICIPANTS", "LATE FRAMES");
      for (ConferenceView r : rooms) {
        t.row(
            r.room(),
            r.pin() ? "yes" : "no",
            Integer.toString(r.participants().size()),
            r.frames() == 0
                ? "-"
                : String.format(
                    java.util.Locale.ROOT, "%.2f%%", 100.0 * r.lateFrames() / r.frames()));
      }
      t.print(out);
      return 0;
    }
  }

  /** Prints who is in a room. */
  static void print(PrintWriter out, ConferenceView r) {
    out.println(
        r.room()
            + (r.pin() ? " (PIN)" : "")
            + ": "
            + r.participants().size()
            + (r.participants().size() == 1 ? " participant" : " participants"));
    if (r.participants().isEmpty()) {
      return;
    }
    Table t = new Table("ID", "CALLER", "STATE", "MUTED", "SINCE", "PACKETS", "CONCEALED");
    for (ParticipantView p : r.participants()) {
      t.row(
          p.id(),
          p.caller(),
          p.state(),
          p.muted() ? "yes" : "no",
          p.joinedAt().toString(),
          Long.toString(p.packetsReceived()),
          Long.toString(p.concealed()));
    }
    t.print(out);
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Who is in a room: each participant's id (for mute and kick), caller and state.",
      footer = {"", "Example:", "  evertone conferences show 800@example.com"})
  static final class ShowRoom implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Parameters(index = "0", paramLabel = "ROOM", description = "NUMBER@DOMAIN")
    String room = "";

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    public Integer call() {
      ConferenceView r =
          remote
              .running(Main.context(spec), "conferences show")
              .call("GET", room(room), null, ConferenceView.class);
      if (json) {
        ProvisioningCommand.printJson(spec.commandLine().getOut(), r);
      } else {
        print(spec.commandLine().getOut(), r);
      }
      return 0;
    }
  }

  /** mute, unmute and kick: one participant of one room; the room as it is afterwards is shown. */
  abstract static class ParticipantAction implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Parameters(index = "0", paramLabel = "ROOM", description = "NUMBER@DOMAIN")
    String room = "";

    @Parameters(index = "1", paramLabel = "ID", description = "The participant (see show).")
    String participant = "";

    private final String command;
    private final String method;
    private final String suffix;

    ParticipantAction(String command, String method, String suffix) {
      this.command = command;
      this.method = method;
      this.suffix = suffix;
    }

    @Override
    public Integer call() {
      print(
          spec.commandLine().getOut(),
          remote
              .running(Main.context(spec), command)
              .call(method, party(room, participant) + suffix, null, ConferenceView.class));
      return 0;
    }
  }

  @Command(
      name = "mute",
      mixinStandardHelpOptions = true,
      description = "The others stop hearing a participant; it still hears them.",
      footer = {"", "Example:", "  evertone conferences mute 800@example.com 2"})
  static final class Mute extends ParticipantAction {
    Mute() {
      super("conferences mute", "POST", "/mute");
    }
  }

  @Command(
      name = "unmute",
      mixinStandardHelpOptions = true,
      description = "The others hear a muted participant again.",
      footer = {"", "Example:", "  evertone conferences unmute 800@example.com 2"})
  static final class Unmute extends ParticipantAction {
    Unmute() {
      super("conferences unmute", "POST", "/unmute");
    }
  }

  @Command(
      name = "kick",
      mixinStandardHelpOptions = true,
      description = "Removes a participant: evertone hangs its call up.",
      footer = {"", "Example:", "  evertone conferences kick 800@example.com 2"})
  static final class Kick extends ParticipantAction {
    Kick() {
      super("conferences kick", "DELETE", "");
    }
  }
}
