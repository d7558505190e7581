package dev.evertone.cli;

import dev.evertone.config.ServerConfig;
import dev.evertone.config.Settings;
import dev.evertone.store.Store;
import dev.evertone.tls.CertificateManager;
import dev.evertone.tls.CertificateSource;
import dev.evertone.tls.ServedCertificate;
import dev.evertone.tls.TlsCheck;
import dev.evertone.tls.TrustProfile;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "tls",
    mixinStandardHelpOptions = true,
    description =
        "The certificates of the TLS and WSS ports: check a chain against the device trust profiles at any date, and make a "
            + "running server serve changed files now (it also notices them by itself within tls.watch-interval).",
    subcommands = {TlsCommand.Check.class, TlsCommand.Reload.class})
final class TlsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Reports every certificate of the configured chains (or of --certificate): subject, issuer, validity, key, SHA-256"
            + " fingerprint; whether it names each host devices connect to; and for each device trust profile whether such a device"
            + " would accept the chain at the date, and by which path.",
        "Exit code 0 when all is well, 2 when a certificate is not valid at the date, a host is not named, or a profile rejects the chain."
      },
      footer = {
        "",
        "Examples:",
        "  evertone tls check --at 2026-12-24",
        "  evertone tls check --certificate 'new/fullchain.pem new/privkey.pem' --host sip.example.com --profile legacy-openssl-1.0"
      })
  static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOptions options;

    @Option(
        names = "--at",
        paramLabel = "TIME",
        description =
            "Check at this moment instead of now: 2026-12-24, '2026-12-24 09:00' (UTC),"
                + " 2026-12-24T09:00:00Z, or -2h.")
    String at;

    @Option(
        names = "--certificate",
        paramLabel = "'CHAIN [KEY]'",
        description =
            "Check these files instead of tls.certificates "
                + "(repeatable); e.g. a renewed chain before it is installed.")
    List<String> certificates = new ArrayList<>();

    @Option(
        names = "--host",
        paramLabel = "NAME",
        description =
            "A host name devices connect to (repeatable). Default: the domains in the store.")
    List<String> hosts = new ArrayList<>();

    @Option(
        names = "--profile",
        paramLabel = "NAME",
        description = "Check only this trust profile (repeatable). Default: all of them.")
    List<String> profiles = new ArrayList<>();

    @Override
    public Integer call() {
      CliContext ctx = Main.context(spec);
      PrintWriter out = spec.commandLine().getOut();
      ServerConfig config = options.load(ctx);
      Instant moment = at == null ? ctx.clock().instant() : Times.parse(at, ctx.clock());
      List<String> specs = certificates.isEmpty() ? config.tls().certificates() : certificates;
      if (specs.isEmpty()) {
        throw new IllegalArgumentException(
            "no certificate to check: set tls.certificates in the configuration, or give --certificate FILE");
      }
      Map<String, TrustProfile> all = Settings.trustProfiles(config);
      List<TrustProfile> chosen = new ArrayList<>();
      for (String name : profiles.isEmpty() ? List.copyOf(all.keySet()) : profiles) {
        TrustProfile p = all.get(name);
        if (p == null) {
          throw new IllegalArgumentException(
              "unknown trust profile '" + name + "'; known: " + String.join(", ", all.keySet()));
        }
        chosen.add(p);
      }
      List<String> names = hosts.isEmpty() ? storeDomains(ctx, config) : hosts;
      boolean ok = true;
      for (String s : specs) {
        // read as served, but without the validity check: the point may be to see what is wrong at
        // --at
        ServedCertificate c = ServedCertificate.read(CertificateSource.parse(s));
        TlsCheck check = TlsCheck.of(s, c.chain(), moment, names, chosen, Map.of());
        out.print(check.render());
        ok &= check.ok();
        // what a reload checks besides dates and trust (shown above): the key is the leaf's, the
        // chain in order; renewal scripts vet files with this command, so it must refuse them too
        for (String problem : c.problems(moment)) {
          if (!problem.startsWith("certificate '")) {
            out.println("  REFUSED: " + problem + "; a reload would keep the current certificate");
            ok = false;
          }
        }
      }
      for (TrustProfile p : chosen) {
        out.println(
            "profile "
                + p.name()
                + ": "
                + p.description()
                + " ["
                + p.pathBuilding().name().toLowerCase(java.util.Locale.ROOT)
                + " path building, "
                + p.roots().size()
                + " roots, "
                + p.source()
                + "]");
      }
      return ok ? 0 : 2;
    }

    private static List<String> storeDomains(CliContext ctx, ServerConfig config) {
      try (Store store = Stores.open(ctx, config)) {
        return store.domains().list().stream().map(d -> d.name()).toList();
      }
    }
  }

  @Command(
      name = "reload",
      mixinStandardHelpOptions = true,
      description = {
        "Makes a running server read its certificate files now and serve them to new connections; open connections keep"
            + " theirs, nothing restarts. A file that cannot be served, or a chain that devices registered over TLS would reject (by"
            + " their trust profile) is refused with the reasons, and the current certificate stays.",
        "Needs --server (or $EVERTONE_SERVER) and a token. Exit code 1 when refused."
      })
  static final class Reload implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RemoteOptions remote;

    @Option(
        names = "--force",
        description =
            "Activate even if registered devices of a trust profile would reject the new chain.")
    boolean force;

    @Override
    public Integer call() {
      CertificateManager.Reload r =
          remote
              .running(Main.context(spec), "tls reload")
              .call(
                  "POST",
                  "/tls/reload" + (force ? "?force=true" : ""),
                  null,
                  CertificateManager.Reload.class);
      PrintWriter out = r.refused() ? spec.commandLine().getErr() : spec.commandLine().getOut();
      out.println(r.outcome() + ":");
      r.messages().forEach(m -> out.println("  " + m));
      return r.refused() ? 1 : 0;
    }
  }
}
