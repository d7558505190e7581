package dev.evertone.server;

import dev.evertone.cli.CliContext;
import dev.evertone.cli.ConfigOptions;
import dev.evertone.cli.Main;
import dev.evertone.config.ServerConfig;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the server: the SIP registrar on UDP and TCP (port 5060 by default), TLS (5061) and secure WebSocket (8089) once"
          + " tls.certificates is set, the STUN server and TURN relay (3478), and the admin API, metrics, health and /ice-servers over"
          + " HTTP (127.0.0.1:8080).",
      "Stops cleanly on SIGTERM or Ctrl-C."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOptions options;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = Main.context(spec);
    ServerConfig config = options.load(ctx);
    dev.evertone.server.LoggingSetup.apply(config.log().level(), config.log().format());
    Logger log = LoggerFactory.getLogger("dev.evertone.server");
    log.info(
        "{} starting; data directory {}",
        new Main.Version().getVersion()[0],
        config.dataDir().toAbsolutePath());
    EvertoneServer server = EvertoneServer.start(config, ctx.clock());
    log.info("ready: SIP on {}", server.sipAddresses());
    untilStopped(server::close);
    return 0;
  }

  /**
   * Waits until the JVM is asked to stop (SIGTERM, Ctrl-C), then runs {@code stop} before it exits.
   */
  static void untilStopped(Runnable stop) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.run();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
  }
}
