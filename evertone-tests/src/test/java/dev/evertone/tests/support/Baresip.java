package dev.evertone.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** baresip (Debian package) as a phone in a test: one line, no sound card. */
public final class Baresip {
  private Baresip() {}

  /** What a phone sends and which codec it offers. */
  public enum Audio {
    /** A 440 Hz tone, Opus. */
    OPUS_440("opus.so", 440),
    /** A 440 Hz tone, G.711 (from an 8 kHz file: baresip's sine source makes 48 kHz only). */
    G711_440("g711.so", 440),
    /** A 1000 Hz tone, G.711 (from an 8 kHz file). */
    G711_1000("g711.so", 1000),
    /** A 1500 Hz tone, G.711 (from an 8 kHz file): the third voice of a conference. */
    G711_1500("g711.so", 1500);

    final String codec;
    final int hertz;

    Audio(String codec, int hertz) {
      this.codec = codec;
      this.hertz = hertz;
    }
  }

  /**
   * A configuration directory for one line of {@code domain} registering through 127.0.0.1:{@code
   * serverPort} over UDP: the tone of {@code audio} as microphone; what it hears and sends is
   * written by the sndfile module into the directory ({@link #heard}); {@code extra} is appended to
   * the account line (e.g. {@code ;answermode=auto}).
   */
  public static Path phone(
      Path conf,
      String domain,
      String user,
      String password,
      int serverPort,
      Audio audio,
      String extra)
      throws Exception {
    Files.createDirectories(conf);
    String source =
        audio == Audio.OPUS_440
            ? "ausine," + audio.hertz
            : "aufile," + Tones.write(conf.resolve("tone.wav"), audio.hertz, 60, 8000);
    int controlPort = Peers.freePort();
    Files.writeString(conf.resolve("control-port"), Integer.toString(controlPort));
    Files.writeString(
        conf.resolve("config"),
        "module_path /usr/lib/baresip/modules\nmodule account.so\nmodule "
            + audio.codec
            + "\nmodule ausine.so\nmodule aufile.so\nmodule sndfile.so\nmodule menu.so"
            + "\nmodule ctrl_tcp.so\nctrl_tcp_listen 127.0.0.1:"
            + controlPort
            + "\naudio_source "
            + source
            + "\nsnd_path "
            + conf
            + "\nsip_listen 127.0.0.1:"
            + Peers.freePort()
            + "\n");
    Files.writeString(
        conf.resolve("accounts"),
        "<sip:"
            + user
            + "@"
            + domain
            + ";transport=udp>;auth_pass="
            + password
            + ";outbound=\"sip:127.0.0.1:"
            + serverPort
            + "\";regint=600"
            + extra
            + "\n");
    return conf;
  }

  /**
   * Runs baresip on {@code conf} for {@code seconds}, its output in {@code out.txt} there; {@code
   * command} (e.g. {@code /dial sip:1002@example.com}) is typed at start if not null.
   */
  public static Process run(Path conf, int seconds, @Nullable String command) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("baresip", "-f", conf.toString(), "-t", "" + seconds));
    if (command != null) {
      args.add("-e");
      args.add(command);
    }
    return new ProcessBuilder(args)
        .redirectErrorStream(true)
        .redirectOutput(conf.resolve("out.txt").toFile())
        .start();
  }

  /**
   * Types {@code command} (a menu command without its slash, e.g. {@code hold}, {@code resume},
   * {@code hangup}, or with parameters after a space: {@code transfer sip:700@example.com}) into a
   * running phone of {@link #phone}, through its ctrl_tcp module (a netstring with a JSON command);
   * returns its answer.
   */
  public static String command(Path conf, String command) throws java.io.IOException {
    int port = Integer.parseInt(Files.readString(conf.resolve("control-port")).strip());
    // "transfer sip:700@example.com": the command, then its parameters
    int space = command.indexOf(' ');
    String json =
        space < 0
            ? "{\"command\":\"" + command + "\",\"token\":\"t\"}"
            : "{\"command\":\""
                + command.substring(0, space)
                + "\",\"params\":\""
                + command.substring(space + 1)
                + "\",\"token\":\"t\"}";
    try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              (json.length() + ":" + json + ",").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] buffer = new byte[4096];
      int n = s.getInputStream().read(buffer);
      return n <= 0 ? "" : new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * What a phone of {@link #phone} heard in its last call: the sndfile module's dump of the audio
   * it decoded ({@code dump-*-dec.wav}), or null before any.
   */
  public static @Nullable Path heard(Path conf) throws java.io.IOException {
    try (var files = Files.list(conf)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-dec.wav"))
          .findFirst()
          .orElse(null);
    }
  }

  /**
   * The median share of {@code hertz} in the 20 ms blocks of what a phone of {@link #phone} heard
   * in its last call; fails unless it heard more than {@code minBlocks} non-silent blocks.
   */
  public static double medianShare(Path conf, int hertz, int minBlocks) throws Exception {
    Path wav = heard(conf);
    assertThat(wav).as("what the phone in " + conf + " heard").isNotNull();
    assertThat(Tones.recorded(wav)).as(wav + " recorded").isTrue();
    List<Double> shares =
        Tones.shares(Tones.samples(wav, 0), Tones.rate(wav), hertz).stream().sorted().toList();
    assertThat(shares).as("non-silent blocks in " + wav).hasSizeGreaterThan(minBlocks);
    return shares.get(shares.size() / 2);
  }

  /** Adds a domain and, for each user, a device with one line whose password is "pw-" + user. */
  public static void lines(ServerFixture fx, String domain, String... users) {
    fx.provisioning().addDomain(domain);
    for (String user : users) {
      fx.provisioning()
          .addDevice(
              new NewDevice(
                  domain,
                  user,
                  null,
                  null,
                  null,
                  null,
                  List.of(new NewLine(null, user, "pw-" + user))));
    }
  }

  /** Waits up to 5 s for {@code aor} to register; fails with the phone's output if it does not. */
  public static void awaitRegistered(ServerFixture fx, String aor, Path conf) throws Exception {
    long deadline = System.currentTimeMillis() + 5000;
    while (fx.server.location().lookup(aor).isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(fx.server.location().lookup(aor))
        .as(Files.readString(conf.resolve("out.txt")))
        .isNotEmpty();
  }

  /**
   * What a call between two phones left: each phone's directory (its output in {@code out.txt},
   * what it heard in {@link #heard}) and what each printed.
   */
  public record Call(Path caller, Path callee, String callerSaw, String calleeSaw) {}

  /**
   * 1001 calls 1002 (which answers at once) in {@code domain} through {@code fx}: both lines are
   * provisioned, the callee registers, the caller dials and hangs up when it quits after {@code
   * seconds}; returns once the callee has seen the end of the call (or 5 s later).
   */
  public static Call call(
      ServerFixture fx, Path dir, String domain, Audio caller, Audio callee, int seconds)
      throws Exception {
    lines(fx, domain, "1001", "1002");
    int server = fx.udp().getPort();
    Path answers =
        phone(dir.resolve("callee"), domain, "1002", "pw-1002", server, callee, ";answermode=auto");
    Path dials = phone(dir.resolve("caller"), domain, "1001", "pw-1001", server, caller, "");
    Process answering = run(answers, seconds + 15, null);
    try {
      awaitRegistered(fx, "sip:1002@" + domain, answers);
      Process dialling = run(dials, seconds, "/dial sip:1002@" + domain);
      assertThat(dialling.waitFor(seconds + 25L, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      long deadline = System.currentTimeMillis() + 5000;
      while (!Files.readString(answers.resolve("out.txt")).contains("terminated")
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
    } finally {
      answering.destroy();
      answering.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    return new Call(
        dials,
        answers,
        Files.readString(dials.resolve("out.txt")),
        Files.readString(answers.resolve("out.txt")));
  }
}
