package dev.evertone.server;

import dev.evertone.cli.CliContext;
import dev.evertone.cli.ConfigOptions;
import dev.evertone.cli.Main;
import dev.evertone.config.ServerConfig;
import dev.evertone.config.Settings;
import dev.evertone.stun.StunProbe;
import dev.evertone.stun.StunServer;
import dev.evertone.tls.CertificateManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "stun",
    mixinStandardHelpOptions = true,
    description = {
      "Run only the STUN server and TURN relay (stun.* of the configuration) and their probes, without SIP, store or HTTP: for a"
          + " machine that relays media apart from the SIP servers. Browsers get its address from the SIP server's /ice-servers"
          + " (stun.public-host) and credentials signed with the same stun.turn.secrets.",
      "Stops cleanly on SIGTERM or Ctrl-C."
    })
final class StunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOptions options;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = Main.context(spec);
    ServerConfig config = options.load(ctx);
    LoggingSetup.apply(config.log().level(), config.log().format());
    Logger log = LoggerFactory.getLogger("dev.evertone.server");
    ServerConfig.Stun c = config.stun();
    if (c.port() < 0) {
      throw new IllegalArgumentException(
          "stun.port is -1 (off): nothing to run; set a port, e.g. --set stun.port=3478");
    }
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    String secret = StunSetup.turnSecret(config);
    if (c.turn().enabled() && c.turn().secrets().isEmpty() && c.turn().users().isEmpty()) {
      log.warn(
          "no stun.turn.users or stun.turn.secrets: nobody can use the relay (credentials from another server need its secret)");
    }
    CertificateManager certificates =
        config.tls().certificates().isEmpty() || c.tlsPort() < 0
            ? null
            : Settings.certificates(
                config, ctx.clock(), CertificateManager.DeviceCensus.NONE, meters);
    StunServer server;
    try {
      server = StunSetup.start(config, certificates, secret, meters);
    } catch (RuntimeException | InterruptedException e) {
      if (certificates != null) {
        certificates.close();
      }
      throw e;
    }
    StunProbe probe = StunSetup.probe(config, server, secret, ctx.clock(), meters);
    ScheduledExecutorService probes =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stun-probes");
              t.setDaemon(true);
              return t;
            });
    if (probe != null) {
      Node.pausing(probes, "STUN probes", Duration.ZERO, c.probeInterval(), probe::probeAll);
    }
    log.info(
        "ready: STUN{} on udp {}, tcp {}{}",
        c.turn().enabled() ? "/TURN" : "",
        server.udpAddress(),
        server.tcpAddress(),
        server.tlsAddress() == null ? "" : " and tls " + server.tlsAddress());
    ServeCommand.untilStopped(
        () -> {
          probes.shutdownNow();
          if (probe != null) {
            probe.close();
          }
          server.close();
          if (certificates != null) {
            certificates.close();
          }
          log.info("stopped");
        });
    return 0;
  }
}
