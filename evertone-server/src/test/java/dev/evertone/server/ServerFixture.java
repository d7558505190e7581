package dev.evertone.server;

import dev.evertone.server.config.ConfigLoader;
import dev.evertone.store.DeviceRepository;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real evertone server in this JVM, on loopback ports the system picks, with its own data directory. */
final class ServerFixture implements AutoCloseable {
  final EvertoneServer server;

  ServerFixture(Path dataDir, String... overrides) throws Exception {
    List<String> all = new ArrayList<>(List.of("data-dir=" + dataDir, "sip.host=127.0.0.1", "sip.udp-port=0", "sip.tcp-port=0",
        "http.port=0", "store.change-poll-interval=100ms", "sip.io-threads=2"));
    all.addAll(List.of(overrides));
    server = EvertoneServer.start(ConfigLoader.load(null, Map.of(), all), Clock.systemUTC());
  }

  InetSocketAddress udp() {
    return server.sipAddresses().get(0);
  }

  InetSocketAddress tcp() {
    return server.sipAddresses().get(1);
  }

  String http() {
    return "http://127.0.0.1:" + server.httpAddress().getPort();
  }

  /** Adds domain {@code domain} (if new) and the benchmark users u100000.. with password "pw" + user. */
  void provision(String domain, int count) {
    if (server.store().domains().find(domain).isEmpty()) {
      server.store().domains().add(domain);
    }
    List<DeviceRepository.NewDevice> users = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String u = "u" + (100000 + i);
      users.add(new DeviceRepository.NewDevice(u, "pw" + u, null));
    }
    server.store().devices().addAll(domain, users);
  }

  @Override
  public void close() {
    server.close();
  }
}
