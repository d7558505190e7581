package dev.evertone.tests.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real peers (SIPp, svwar) as processes. A missing peer fails the test: it is never
 * skipped.
 */
public final class Peers {
  private Peers() {}

  public record Run(int exit, String output) {}

  public static void require(String command, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":", -1)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return;
      }
    }
    fail(command + " is not installed; install it with: apt-get install -y " + debianPackage);
  }

  public static Run run(Path workDir, long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    byte[] out;
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
    }
    out = p.getInputStream().readAllBytes();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /**
   * A loopback port free for both TCP and UDP right now: softphones such as baresip bind both (and
   * TLS on the next port) on the one port they are given.
   */
  @SuppressWarnings("try") // the sockets are opened only to prove that both ports are free
  public static int freePort() throws IOException {
    // below Linux's ephemeral range (32768-60999) and the TURN relays' (49152-65535): a port the
    // system hands out to
    // someone else, or a relay of a probe's allocation, cannot take it between this check and the
    // peer's start
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      try (java.net.ServerSocket tcp =
              new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress());
          java.net.DatagramSocket udp =
              new java.net.DatagramSocket(port, java.net.InetAddress.getLoopbackAddress());
          java.net.ServerSocket next =
              new java.net.ServerSocket(port + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free loopback port for TCP and UDP after 50 attempts");
  }

  /**
   * A SIPp injection file as bench/peers/make-users.sh writes it, optionally with wrong passwords.
   */
  public static Path users(Path dir, int count, String passwordPrefix) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("SEQUENTIAL");
    for (int i = 0; i < count; i++) {
      String u = "u" + (100000 + i);
      lines.add(u + ";[authentication username=" + u + " password=" + passwordPrefix + u + "]");
    }
    Path file = dir.resolve("users-" + passwordPrefix + ".csv");
    Files.write(file, lines);
    return file;
  }

  /** A test resource copied to {@code dir} (SIPp wants a file path). */
  public static Path resource(Path dir, String name) throws IOException {
    Path target = dir.resolve(Path.of(name).getFileName());
    try (var in = Peers.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /**
   * A cumulative counter of SIPp's statistics file ({@code -trace_stat -stf FILE}), from its last
   * line.
   */
  public static String sippStat(Path statFile, String counter) throws IOException {
    List<String> lines = Files.readAllLines(statFile);
    List<String> names = List.of(lines.get(0).split(";"));
    int i = names.indexOf(counter);
    if (i < 0) {
      throw new IOException("SIPp statistics have no counter " + counter + ": " + names);
    }
    return lines.get(lines.size() - 1).split(";", -1)[i];
  }

  /**
   * SIPp as line 1001 (password pw-1001) of the server {@code fx}, calling {@code callee} once with
   * scenario {@code scenario} (a resource under sipp/), its output in {@code dir}/sipp.txt.
   */
  public static Process sippCaller(Path dir, ServerFixture fx, String scenario, String callee)
      throws Exception {
    Path users =
        Files.writeString(
            dir.resolve("caller.csv"),
            "SEQUENTIAL\n1001;[authentication username=1001 password=pw-1001];" + callee + "\n");
    return new ProcessBuilder(
            "sipp",
            "-sf",
            resource(dir, "sipp/" + scenario).toString(),
            "-inf",
            users.toString(),
            "127.0.0.1:" + fx.udp().getPort(),
            "-i",
            "127.0.0.1",
            "-mi",
            "127.0.0.1",
            "-p",
            Integer.toString(freePort()),
            "-mp",
            Integer.toString(freePort() & ~1),
            "-m",
            "1",
            "-timeout",
            "40s",
            "-nostdin")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("sipp.txt").toFile())
        .start();
  }
}
