package dev.evertone.server.cli;

import dev.evertone.store.Device;
import dev.evertone.store.Store;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "device", mixinStandardHelpOptions = true,
    description = {
      "Manage devices: one SIP account each (user@domain with its own password).",
      "A running server picks up changes within a second (store.change-poll-interval)."
    },
    subcommands = {DeviceCommand.AddDevice.class, DeviceCommand.ListDevices.class, DeviceCommand.RemoveDevice.class,
        DeviceCommand.SetPassword.class})
final class DeviceCommand implements Runnable {
  private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Which device a command acts on. */
  static final class DeviceId {
    @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The device's domain (must exist).")
    String domain;

    @Option(names = {"--user", "-u"}, required = true, paramLabel = "USER", description = "SIP user name, e.g. 1001.")
    String user;
  }

  /** Where a password comes from: the option, standard input, or generated. */
  static final class PasswordSource {
    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
        description = "The SIP password. Visible to other users of this machine in the process list; prefer --password-stdin.")
    String password;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean stdin;
  }

  /** The password to set, and whether it was generated (so it must be shown once). */
  record Password(String value, boolean generated) {}

  static Password password(PasswordSource source, CliContext ctx) throws IOException {
    if (source != null && source.password != null) {
      return new Password(source.password, false);
    }
    if (source != null && source.stdin) {
      BufferedReader in = new BufferedReader(new InputStreamReader(ctx.stdin(), StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null || line.isEmpty()) {
        throw new IllegalArgumentException("--password-stdin: standard input holds no password");
      }
      return new Password(line, false);
    }
    SecureRandom random = new SecureRandom();
    char[] pw = new char[20];
    for (int i = 0; i < pw.length; i++) {
      pw[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new Password(new String(pw), true);
  }

  static void showGenerated(PrintWriter out, Password p) {
    if (p.generated()) {
      out.println("password: " + p.value() + "  (generated; shown only this once, configure it on the phone now)");
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a device. Without --password or --password-stdin a strong password is generated and shown once.")
  static final class AddDevice implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Mixin DeviceId device;

    @Option(names = "--display-name", paramLabel = "NAME", description = "A label, e.g. 'Front desk'.")
    String displayName;

    @ArgGroup(exclusive = true)
    PasswordSource passwordSource;

    @Override
    public Integer call() throws IOException {
      Password p = password(passwordSource, Main.context(spec));
      try (Store store = Stores.open(spec, options)) {
        Device d = store.devices().add(device.domain, device.user, p.value(), displayName);
        PrintWriter out = spec.commandLine().getOut();
        out.println("added device " + d.username() + "@" + d.domain());
        showGenerated(out, p);
        out.println("register the phone to sip:" + d.domain() + " with user " + d.username() + " and this password");
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List devices (passwords are never shown).")
  static final class ListDevices implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only this domain.")
    String domain;

    @Override
    public Integer call() {
      try (Store store = Stores.open(spec, options)) {
        List<Device> devices = store.devices().list(domain);
        PrintWriter out = spec.commandLine().getOut();
        if (devices.isEmpty()) {
          out.println("no devices" + (domain == null ? "" : " in " + domain) + "; add one with: evertone device add --domain D --user 1001");
          return 0;
        }
        Table t = new Table("USER", "DOMAIN", "DISPLAY NAME", "UPDATED");
        for (Device d : devices) {
          t.row(d.username(), d.domain(), d.displayName() == null ? "-" : d.displayName(), d.updatedAt().toString());
        }
        t.print(out);
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a device; it can no longer register.")
  static final class RemoveDevice implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Mixin DeviceId device;

    @Override
    public Integer call() {
      try (Store store = Stores.open(spec, options)) {
        store.devices().remove(device.domain, device.user);
        spec.commandLine().getOut().println("removed device " + device.user + "@" + device.domain.toLowerCase(java.util.Locale.ROOT));
      }
      return 0;
    }
  }

  @Command(name = "set-password", mixinStandardHelpOptions = true,
      description = "Change a device's password (generated and shown once unless given).")
  static final class SetPassword implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Mixin DeviceId device;

    @ArgGroup(exclusive = true)
    PasswordSource passwordSource;

    @Override
    public Integer call() throws IOException {
      Password p = password(passwordSource, Main.context(spec));
      try (Store store = Stores.open(spec, options)) {
        store.devices().setSecret(device.domain, device.user, p.value());
        PrintWriter out = spec.commandLine().getOut();
        out.println("changed the password of " + device.user + "@" + device.domain.toLowerCase(java.util.Locale.ROOT));
        showGenerated(out, p);
      }
      return 0;
    }
  }
}
