package dev.evertone.cli;

import dev.evertone.provisioning.DeviceCreated;
import dev.evertone.provisioning.DeviceInfo;
import dev.evertone.provisioning.DeviceUpdate;
import dev.evertone.provisioning.GeneratedSecret;
import dev.evertone.provisioning.LineInfo;
import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.provisioning.Provisioning;
import dev.evertone.provisioning.SecretChanged;
import dev.evertone.store.NotFoundException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "device",
    mixinStandardHelpOptions = true,
    description = {
      "Manage devices: desk phones, softphones, door phones.",
      "A device has a MAC address (none for a softphone), a model, an owner user, and lines; each line is one SIP"
          + " account (auth user and password) that registers sip:AUTH_USER@DOMAIN.",
      "A running server sees every change at once (within store.change-poll-interval for another process on SQLite)."
    },
    subcommands = {
      DeviceCommand.AddDevice.class,
      DeviceCommand.ListDevices.class,
      DeviceCommand.ShowDevice.class,
      DeviceCommand.SetDevice.class,
      DeviceCommand.RemoveDevice.class,
      DeviceCommand.SetPassword.class
    })
final class DeviceCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Which device a command acts on: by id, MAC, or the auth user of one of its lines. */
  static final class DeviceSelector {
    @Option(names = "--id", paramLabel = "ID", description = "The device's id (see 'device list').")
    @Nullable Long id;

    @Option(names = "--mac", paramLabel = "MAC", description = "The device's MAC address.")
    @Nullable String mac;

    @Option(
        names = {"--user", "-u"},
        paramLabel = "AUTH_USER",
        description = "The auth user of one of its lines, e.g. 1001.")
    @Nullable String user;

    long resolve(Provisioning p, String domain) {
      if (id != null) {
        return id;
      }
      List<DeviceInfo> found = p.devices(domain, mac, user);
      if (found.isEmpty()) {
        throw new NotFoundException(
            "no device "
                + (mac != null ? "with MAC " + mac : "holding line " + user)
                + " in "
                + domain);
      }
      return found.get(0).id();
    }
  }

  /** Where a password comes from: the option, standard input, or generated. */
  static final class PasswordSource {
    @Option(
        names = {"-p", "--password"},
        paramLabel = "PASSWORD",
        description =
            "The SIP password. Visible to other users of this machine in the process list; prefer --password-stdin.")
    @Nullable String password;

    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of standard input.")
    boolean stdin;
  }

  /** The password given, or null to have one generated (and shown once). */
  static @Nullable String password(@Nullable PasswordSource source, CliContext ctx)
      throws IOException {
    if (source != null && source.password != null) {
      return source.password;
    }
    if (source != null && source.stdin) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(ctx.stdin(), StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null || line.isEmpty()) {
        throw new IllegalArgumentException("--password-stdin: standard input holds no password");
      }
      return line;
    }
    return null;
  }

  static void showGenerated(PrintWriter out, List<GeneratedSecret> generated) {
    for (GeneratedSecret g : generated) {
      out.println(
          "password of "
              + g.authUser()
              + "@"
              + g.domain()
              + ": "
              + g.secret()
              + "  (generated; shown only this once, configure it"
              + " on the phone now)");
    }
  }

  static String lines(DeviceInfo d) {
    return d.lines().stream().map(LineInfo::authUser).collect(Collectors.joining(", "));
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Add a device with one line. Without --password or --password-stdin a strong password is generated and shown once.",
        "More lines: 'evertone line add'. Many devices at once: 'evertone import'."
      })
  static final class AddDevice extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The device's domain (must exist).")
    String domain;

    @Option(
        names = {"--user", "-u"},
        required = true,
        paramLabel = "AUTH_USER",
        description = "The line's SIP user name, e.g. 1001; it registers sip:AUTH_USER@DOMAIN.")
    String user;

    @Option(
        names = {"--extension", "-e"},
        paramLabel = "EXT",
        description = "The owner user, created if new (default: the same as --user).")
    @Nullable String extension;

    @Option(
        names = "--display-name",
        paramLabel = "NAME",
        description = "The owner's name, e.g. 'Front desk'.")
    @Nullable String displayName;

    @Option(
        names = "--mac",
        paramLabel = "MAC",
        description = "The device's MAC address, e.g. 00:15:65:aa:bb:cc (none: a softphone).")
    @Nullable String mac;

    @Option(names = "--model", paramLabel = "MODEL", description = "e.g. 'Yealink T54W'.")
    @Nullable String model;

    @Option(
        names = "--description",
        paramLabel = "TEXT",
        description = "e.g. 'Reception, 2nd floor'.")
    @Nullable String description;

    @Option(
        names = "--line",
        paramLabel = "N",
        description = "The line's position on the device (default 1).")
    @Nullable Integer line;

    @ArgGroup(exclusive = true)
    @Nullable PasswordSource passwordSource;

    @Override
    int run(Provisioning p, PrintWriter out) throws IOException {
      String password = password(passwordSource, context());
      DeviceCreated created =
          p.addDevice(
              new NewDevice(
                  domain,
                  extension != null ? extension : user,
                  displayName,
                  mac,
                  model,
                  description,
                  List.of(new NewLine(line, user, password))));
      DeviceInfo d = created.device();
      out.println(
          "added device "
              + d.id()
              + (d.mac() == null ? "" : " (" + d.mac() + ")")
              + " with line "
              + user
              + "@"
              + d.domain());
      showGenerated(out, created.generatedSecrets());
      out.println(
          "register the phone to sip:" + d.domain() + " with user " + user + " and its password");
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the devices of a domain (passwords are never shown).")
  static final class ListDevices extends ProvisioningCommand {
    @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The domain.")
    String domain;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    int run(Provisioning p, PrintWriter out) {
      List<DeviceInfo> devices = p.devices(domain, null, null);
      if (json) {
        printJson(out, devices);
      } else if (devices.isEmpty()) {
        out.println(
            "no devices in "
                + domain.toLowerCase(Locale.ROOT)
                + "; add one with: evertone device add --domain "
                + domain
                + " --user 1001");
      } else {
        Table t = new Table("ID", "MAC", "MODEL", "EXTENSION", "DISPLAY NAME", "LINES");
        for (DeviceInfo d : devices) {
          t.row(
              Long.toString(d.id()),
              dash(d.mac()),
              dash(d.model()),
              dash(d.extension()),
              dash(d.displayName()),
              lines(d));
        }
        t.print(out);
      }
      return 0;
    }
  }

  static String dash(@Nullable String s) {
    return s == null ? "-" : s;
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one device with its lines.")
  static final class ShowDevice extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The device's domain.")
    String domain;

    @ArgGroup(exclusive = true, multiplicity = "1")
    DeviceSelector device;

    @Option(names = "--json", description = "Print JSON, as the admin API answers.")
    boolean json;

    @Override
    int run(Provisioning p, PrintWriter out) {
      DeviceInfo d = p.device(domain, device.resolve(p, domain));
      if (json) {
        printJson(out, d);
        return 0;
      }
      out.println("device " + d.id() + " in " + d.domain());
      out.println("  mac:          " + dash(d.mac()));
      out.println("  model:        " + dash(d.model()));
      out.println("  description:  " + dash(d.description()));
      out.println(
          "  owner:        "
              + (d.extension() == null
                  ? "-"
                  : d.extension() + (d.displayName() == null ? "" : " (" + d.displayName() + ")")));
      for (LineInfo l : d.lines()) {
        out.println(
            "  line "
                + l.line()
                + ":       "
                + l.aor()
                + "  (secret changed "
                + l.secretChangedAt()
                + ")");
      }
      return 0;
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Change a device: its MAC, model, description or owner. An empty value ('') clears a field.")
  static final class SetDevice extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The device's domain.")
    String domain;

    @ArgGroup(exclusive = true, multiplicity = "1")
    DeviceSelector device;

    @Option(
        names = "--new-mac",
        paramLabel = "MAC",
        description = "A new MAC address (a replaced phone).")
    @Nullable String newMac;

    @Option(names = "--model", paramLabel = "MODEL", description = "The model.")
    @Nullable String model;

    @Option(names = "--description", paramLabel = "TEXT", description = "The description.")
    @Nullable String description;

    @Option(
        names = {"--extension", "-e"},
        paramLabel = "EXT",
        description = "The owner user (created if new).")
    @Nullable String extension;

    @Override
    int run(Provisioning p, PrintWriter out) {
      long id = device.resolve(p, domain);
      DeviceInfo d =
          p.updateDevice(domain, id, new DeviceUpdate(newMac, model, description, extension));
      out.println("changed device " + d.id() + (d.mac() == null ? "" : " (" + d.mac() + ")"));
      return 0;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove a device and its lines; they can no longer register.")
  static final class RemoveDevice extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The device's domain.")
    String domain;

    @ArgGroup(exclusive = true, multiplicity = "1")
    DeviceSelector device;

    @Override
    int run(Provisioning p, PrintWriter out) {
      DeviceInfo d = p.device(domain, device.resolve(p, domain));
      p.removeDevice(domain, d.id());
      out.println(
          "removed device "
              + d.id()
              + (d.mac() == null ? "" : " (" + d.mac() + ")")
              + " and its lines "
              + lines(d));
      return 0;
    }
  }

  @Command(
      name = "set-password",
      mixinStandardHelpOptions = true,
      description =
          "Change a line's password (generated and shown once unless given). The old one stops working at once, "
              + "unless auth.previous-secret-grace keeps it for a while.")
  static final class SetPassword extends ProvisioningCommand {
    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The line's domain.")
    String domain;

    @Option(
        names = {"--user", "-u"},
        required = true,
        paramLabel = "AUTH_USER",
        description = "The line's auth user, e.g. 1001.")
    String user;

    @ArgGroup(exclusive = true)
    @Nullable PasswordSource passwordSource;

    @Override
    int run(Provisioning p, PrintWriter out) throws IOException {
      SecretChanged changed = p.setSecret(domain, user, password(passwordSource, context()));
      out.println("changed the password of " + changed.authUser() + "@" + changed.domain());
      if (changed.generatedSecret() != null) {
        showGenerated(
            out,
            List.of(
                new GeneratedSecret(
                    changed.domain(), changed.authUser(), changed.generatedSecret())));
      }
      return 0;
    }
  }
}
